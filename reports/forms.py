from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lessons.models import Module
from reports.item_analysis import AttemptsAnalysed


def _filter_helper() -> FormHelper:
    """A GET form: filters belong in the URL, so a report can be bookmarked and shared."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "d-flex flex-wrap align-items-end column-gap-3"
    helper.disable_csrf = True
    helper.add_input(Submit("show", _("Show"), css_class="btn-primary"))
    return helper


class GradebookFilterForm(forms.Form):
    module = forms.ChoiceField(
        label=_("Module"),
        required=False,
        error_messages={"invalid_choice": _("This course has no module “%(value)s”.")},
    )

    def __init__(self, *args, modules: list[Module], **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {module.slug: module for module in modules}
        self.fields["module"].choices = [("", _("All modules")), *((m.slug, m.title) for m in modules)]
        self.helper = _filter_helper()

    def clean_module(self) -> Module | None:
        """The chosen module, or None for the whole course."""
        return self.modules.get(self.cleaned_data["module"])


class QuizStatisticsForm(forms.Form):
    attempts = forms.ChoiceField(
        label=_("Attempts analysed"),
        choices=AttemptsAnalysed.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose the first attempts or all attempts.")},
    )

    def __init__(self, data: QueryDict, **kwargs):
        # The report opens on first attempts, and the radio button should say so.
        data = data.copy()
        if not data.get("attempts"):
            data["attempts"] = AttemptsAnalysed.FIRST
        super().__init__(data, **kwargs)
        self.helper = _filter_helper()

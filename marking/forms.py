from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes.services import MARKER_COMMENT_MAX_CHARS


class MarkingForm(forms.Form):
    """A mark for one written answer: a level per rubric criterion and a comment to the student.

    The criteria come from the rubric the attempt kept, one radio group (a fieldset with its legend)
    each; `seen` carries when the answer was last marked as the marker saw it, so a mark recorded
    meanwhile by someone else refuses this one.
    """

    comment = forms.CharField(
        label=_("Comment to the student"),
        required=False,
        max_length=MARKER_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was done well and what to work on; at most %(max)d characters.")
        % {"max": MARKER_COMMENT_MAX_CHARS},
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, rubric: list[dict], chosen: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        comment = self.fields.pop("comment")
        seen = self.fields.pop("seen")
        chosen = chosen or {}
        for criterion in rubric:
            field = forms.TypedChoiceField(
                label=criterion["title"],
                help_text=criterion["description"],
                coerce=int,
                choices=[(level["id"], points_label(level)) for level in criterion["levels"]],
                widget=forms.RadioSelect,
                initial=chosen.get(str(criterion["id"])),
                error_messages={"required": _("Choose a level for “%(title)s”.") % {"title": criterion["title"]}},
            )
            self.fields[f"criterion_{criterion['id']}"] = field
        self.fields["comment"] = comment
        self.fields["seen"] = seen

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("seen") or ""
        try:
            cleaned["seen"] = datetime.fromisoformat(value) if value else None
        except ValueError:
            # A hidden field: the error goes at the top of the form, where the marker sees it.
            raise forms.ValidationError(_("The form was damaged; open the answer again."), code="bad_seen") from None
        return cleaned

    def levels(self) -> dict[str, int]:
        return {str(criterion["id"]): self.cleaned_data[f"criterion_{criterion['id']}"] for criterion in self.rubric}


def points_label(level: dict) -> str:
    """A rubric level as its radio button reads: "1 point: ...", "3 points: ..."."""
    return ngettext("%(points)d point: %(description)s", "%(points)d points: %(description)s", level["points"]) % level

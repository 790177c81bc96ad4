from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

# A certificate prints the name on one line of a landscape A4 page; 100 characters still fit (README, "Accounts").
FULL_NAME_MAX_LENGTH = 100


def full_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Full name"),
        max_length=FULL_NAME_MAX_LENGTH,
        help_text=_("As it should appear on your certificate, up to %(max)d characters.")
        % {"max": FULL_NAME_MAX_LENGTH},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()


class SignupForm(UserCreationForm):
    full_name = full_name_field()
    email = forms.EmailField(label=_("Email"), help_text=_("Used only to reset your password."))

    field_order = ["full_name", "username", "email"]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email_taken(email):
            raise forms.ValidationError(_("An account with this email already exists."), code="email_taken")
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        # The whole name lives in first_name; see accounts.services.account_update for why.
        user.first_name = self.cleaned_data["full_name"]
        if commit:
            user.save()
        return user


class AccountForm(forms.Form):
    """The account page: full name and e-mail; a new e-mail needs the current password."""

    full_name = full_name_field()
    email = forms.EmailField(label=_("Email"), help_text=_("Used only to reset your password."))
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        help_text=_("Needed only when you change your email."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault("initial", {"full_name": user.get_full_name(), "email": user.email})
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.lower() != self.user.email.lower() and email_taken(email, exclude_pk=self.user.pk):
            raise forms.ValidationError(_("An account with this email already exists."), code="email_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and email != self.user.email and not self.user.check_password(cleaned.get("current_password", "")):
            self.add_error(
                "current_password",
                forms.ValidationError(
                    _("Enter your current password to change your email."), code="password_incorrect"
                ),
            )
        return cleaned


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for the password again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="password_incorrect")
        return password

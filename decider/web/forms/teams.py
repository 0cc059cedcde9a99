"""Teams made from the UI, and their members."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from decider.models import Membership, Team


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. Platform")

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not slugify(name):
            raise forms.ValidationError("Use at least one letter or digit in the name.")
        if Team.objects.filter(slug=slugify(name)).exists():
            raise forms.ValidationError("A team of that name exists; pick another name.")
        return name


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="Their decider sign-in name")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.VIEWER)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                f"No user is named “{username}”. Ask an admin to create the account first."
            )
        if self.team.memberships.filter(user=user).exists():
            raise forms.ValidationError(f"{username} is already in {self.team.name}.")
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)

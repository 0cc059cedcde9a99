"""The GitHub connection and sync forms. Secrets typed here are never rendered back."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from decider.github.client import DEFAULT_API_URL
from decider.github.window import DEFAULT_DAYS, MAX_DAYS
from decider.models import GitHubConnection

# Hosts on this machine: plain http is allowed there (the fake GitHub API for trials).
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SecretTextarea(forms.Textarea):
    """A textarea that never shows its value, not even the one just posted."""

    def format_value(self, value: Any) -> None:
        return None


class ConnectionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=GitHubConnection.Kind.choices,
        initial=GitHubConnection.Kind.TOKEN,
        widget=forms.RadioSelect,
        label="Connect with",
    )
    api_url = forms.URLField(
        max_length=300,
        initial=DEFAULT_API_URL,
        label="API URL",
        help_text="https://api.github.com; on GitHub Enterprise Server https://HOST/api/v3.",
        assume_scheme="https",
    )
    token = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="A fine-grained token with read-only access to this repository's Actions "
        "and Contents (and Metadata).",
    )
    app_id = forms.IntegerField(required=False, min_value=1, label="App ID")
    installation_id = forms.IntegerField(required=False, min_value=1, label="Installation ID")
    private_key = forms.CharField(
        required=False,
        max_length=20_000,
        widget=SecretTextarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text="The App's private key (.pem), with Actions: read and Contents: read.",
    )

    def __init__(self, *args: Any, existing: GitHubConnection | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing is not None:
            keep = "Leave empty to keep the saved one."
            self.fields["token"].help_text += f" {keep}"
            self.fields["private_key"].help_text += f" {keep}"

    def clean_api_url(self) -> str:
        url = str(self.cleaned_data["api_url"])
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host not in settings.GITHUB_API_HOSTS:
            allowed = ", ".join(settings.GITHUB_API_HOSTS)
            raise forms.ValidationError(
                f"decider may call only these GitHub hosts: {allowed}. For GitHub Enterprise "
                "Server, ask whoever runs decider to add your host to GITHUB_API_HOSTS."
            )
        if parts.scheme != "https" and host not in LOOPBACK:
            raise forms.ValidationError(
                "Use https://: the token must not cross the network in clear."
            )
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        same_kind = self.existing is not None and self.existing.kind == kind
        if kind == GitHubConnection.Kind.TOKEN:
            if not data.get("token") and not same_kind:
                self.add_error("token", "Paste the token.")
        elif kind == GitHubConnection.Kind.APP:
            for name in ("app_id", "installation_id"):
                if not data.get(name):
                    self.add_error(name, "Give the App's numbers (on the App's settings page).")
            if not data.get("private_key") and not same_kind:
                self.add_error("private_key", "Paste the App's private key.")
        return data

    def secret(self) -> str:
        """The secret typed in, or '' to keep the saved one."""
        if self.cleaned_data["kind"] == GitHubConnection.Kind.APP:
            return str(self.cleaned_data.get("private_key") or "")
        return str(self.cleaned_data.get("token") or "")


class SyncForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        label="Runs of the last (days)",
        help_text=f"1 to {MAX_DAYS} days (GitHub keeps 90 days of runs by default).",
    )

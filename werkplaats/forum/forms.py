from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Group

from .markdown import MAX_LENGTH
from .services import TITLE_MAX

MARKDOWN_HELP = _(
    "You can use Markdown: *italic*, **bold**, [link](https://example.nl), lists with - and "
    "mention a member with @ and their handle."
)


def body_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Message"),
        max_length=MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8, "class": "utrecht-textarea"}),
        help_text=MARKDOWN_HELP,
        error_messages={
            "required": _("Write a message."),
            "max_length": _("A message may be at most %(limit_value)d characters; this one has %(show_value)d."),
        },
    )


def group_field(partnership: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.open().filter(partnership=partnership).order_by("kind", "name"),
        required=False,
        empty_label=_("The whole partnership"),
        help_text=_("Every member of the partnership can read and reply, also in a group's threads."),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )


class ThreadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
        error_messages={"required": _("Give the thread a title.")},
    )
    body = body_field()
    is_announcement = forms.BooleanField(
        label=_("Announcement"),
        required=False,
        help_text=_("Shown first and marked. The manager announces to the partnership, a coordinator to their group."),
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}),
    )

    def __init__(self, *args: Any, partnership: Any, may_announce: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"] = group_field(partnership)
        self.order_fields(["title", "group", "body", "is_announcement"])
        if not may_announce:
            del self.fields["is_announcement"]


class ReplyForm(forms.Form):
    body = body_field()


class EditForm(forms.Form):
    body = body_field()

    def __init__(self, *args: Any, with_title: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_title:
            self.fields["title"] = forms.CharField(
                label=_("Title"),
                max_length=TITLE_MAX,
                widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
                error_messages={"required": _("Give the thread a title.")},
            )
            self.order_fields(["title", "body"])


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "utrecht-textarea"}),
        help_text=_("Shown in the place of the message, for everyone."),
        error_messages={"required": _("Say why the message is hidden; the reason is shown in its place.")},
    )


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
        error_messages={"required": _("Give the document a title.")},
    )
    description = forms.CharField(
        label=_("What feedback you would like"),
        required=False,
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "utrecht-textarea"}),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, XLSX or ODT, at most 10 MB."),
        error_messages={"required": _("Choose a file.")},
    )

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"] = group_field(partnership)
        self.order_fields(["title", "group", "description", "file"])


class VersionForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, XLSX or ODT, at most 10 MB."),
        error_messages={"required": _("Choose a file.")},
    )
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "utrecht-textarea"}),
    )


class CommentForm(forms.Form):
    body = body_field(_("Your comment"))

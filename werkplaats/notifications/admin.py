from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "message", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["recipient__email", "message", "key"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"

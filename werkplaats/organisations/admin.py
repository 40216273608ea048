from django.contrib import admin

from .models import Invitation, Membership, MembershipRole, Municipality, Organisation, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "kvk_number", "brin", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "kvk_number", "brin", "city"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality"]
    list_select_related = ["region"]


class MembershipRoleInline(admin.TabularInline):
    model = MembershipRole
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at", "ended_at"]
    list_filter = ["organisation__kind", "role_set__role"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    inlines = [MembershipRoleInline]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash", "accepted_by", "accepted_at"]
    list_select_related = ["organisation"]

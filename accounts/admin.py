from django.contrib import admin

from accounts.models import Membership, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("school", "locality", "panel")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    exclude = ("password", "user_permissions", "groups")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "local_authority", "is_active")
    list_filter = ("local_authority",)
    raw_id_fields = ("user",)
    inlines = [RoleAssignmentInline]

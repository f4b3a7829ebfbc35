from django.contrib import admin

from localities.models import LocalAuthority, Locality, School


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "la_code", "scheme_name")


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ("name", "local_authority")
    list_filter = ("local_authority",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "urn", "local_authority", "locality", "is_early_adopter")
    list_filter = ("local_authority",)
    search_fields = ("name", "urn")

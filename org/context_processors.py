from org import permissions, scope


def user_roles(request):
    """Expose the user's scope to the base layout (navigation shows only what the role may use)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = scope.scope_for(user)
    return {"user_scope": current, "is_bureau_staff": scope.is_bureau_staff(user),
            "may_create_region_rows": permissions.may_create_region_rows(user)}  # the lists' "new" buttons

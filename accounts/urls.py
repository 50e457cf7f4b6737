from django.urls import path

from accounts.views import auth, invitations, mfa, passkeys, users

app_name = "accounts"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", auth.SignedOutView.as_view(), name="signed-out"),
    path("signed-out/inactive/", auth.TimedOutView.as_view(), name="timed-out"),
    path("locked-out/", auth.LockedOutView.as_view(), name="locked-out"),
    path("sign-out-everywhere/", auth.SignOutEverywhereView.as_view(), name="sign-out-everywhere"),
    path("keep-alive/", auth.KeepAliveView.as_view(), name="keep-alive"),
    path("two-factor/", mfa.MfaVerifyView.as_view(), name="mfa-verify"),
    path("two-factor/set-up/", mfa.MfaSetupView.as_view(), name="mfa-setup"),
    path("two-factor/set-up/qr-code.svg", mfa.MfaSetupQrView.as_view(), name="mfa-setup-qr"),
    path("two-factor/backup-codes/", mfa.BackupCodesView.as_view(), name="backup-codes"),
    path("your-account/", mfa.AccountView.as_view(), name="account"),
    path("your-account/passkeys/<int:pk>/name/", passkeys.PasskeyNameView.as_view(), name="passkey-name"),
    path("your-account/passkeys/<int:pk>/remove/", passkeys.PasskeyRemoveView.as_view(), name="passkey-remove"),
    path("users/", users.UserListView.as_view(), name="user-list"),
    path("users/invite/", users.UserInviteView.as_view(), name="user-invite"),
    path("users/<int:pk>/role/", users.UserRoleChangeView.as_view(), name="user-role"),
    path("users/<int:pk>/deactivate/", users.UserDeactivateView.as_view(), name="user-deactivate"),
    path("users/<int:pk>/unlock/", users.UserUnlockView.as_view(), name="user-unlock"),
    path("invitations/<str:token>/", invitations.InvitationAcceptView.as_view(), name="invitation-accept"),
]

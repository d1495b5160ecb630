from django.urls import path

from lavorete.pathways import views

app_name = "pathways"

_person = "persone/<int:person_pk>/"
_programme = "programmi/<int:programme_pk>/"

urlpatterns = [
    path("", views.CaseloadView.as_view(), name="caseload"),
    path("accogli/", views.IntakeView.as_view(), name="intake"),
    path(_person, views.PersonFileView.as_view(), name="person_file"),
    path(f"{_person}sposta/", views.MoveView.as_view(), name="move"),
    path(f"{_person}stato/", views.StatusView.as_view(), name="status"),
    path(f"{_person}tutor/", views.TutorView.as_view(), name="tutor"),
    path(f"{_person}servizio/", views.ServiceView.as_view(), name="service"),
    path(f"{_person}nota/", views.NoteView.as_view(), name="note_add"),
    path(f"{_person}obiettivo/", views.GoalAddView.as_view(), name="goal_add"),
    path(f"{_person}obiettivi/<int:goal_pk>/", views.GoalEditView.as_view(), name="goal_edit"),
    path(f"{_person}piano/", views.PlanAgreeView.as_view(), name="plan_agree"),
    path(f"{_person}esito/", views.OutcomeView.as_view(), name="outcome_add"),
    path(f"{_person}invio/", views.ReferView.as_view(), name="refer"),
    path("servizi/", views.ServiceListView.as_view(), name="services"),
    path(
        f"{_programme}servizio-di-gruppo/",
        views.GroupServiceView.as_view(),
        name="group_service",
    ),
    path("servizi/<int:pk>/presenze/", views.AttendanceView.as_view(), name="attendance"),
    path("compiti/", views.TaskListView.as_view(), name="tasks"),
    path("compiti/<int:pk>/", views.FollowUpView.as_view(), name="follow_up"),
    path("invii/", views.ReferralListView.as_view(), name="referrals"),
    path("invii/<int:pk>/decidi/", views.ReferralDecideView.as_view(), name="referral_decide"),
    path("invii/<int:pk>/ritira/", views.ReferralWithdrawView.as_view(), name="referral_withdraw"),
    path("programmi/", views.ProgrammeListView.as_view(), name="programmes"),
    path(_programme, views.ProgrammeSetupView.as_view(), name="programme_setup"),
    path(f"{_programme}obiettivi/", views.TargetSetView.as_view(), name="target_set"),
    path(
        f"{_programme}obiettivi/<int:pk>/rimuovi/",
        views.TargetRemoveView.as_view(),
        name="target_remove",
    ),
    path(f"{_programme}tappe/nuova/", views.StageAddView.as_view(), name="stage_add"),
    path(f"{_programme}tappe/<int:pk>/", views.StageUpdateView.as_view(), name="stage_update"),
    path(f"{_programme}tappe/<int:pk>/sposta/", views.StageMoveView.as_view(), name="stage_move"),
    path(
        f"{_programme}tappe/<int:pk>/rimuovi/",
        views.StageRemoveView.as_view(),
        name="stage_remove",
    ),
    path(f"{_programme}base-giuridica/", views.LegalBasisView.as_view(), name="legal_basis"),
]

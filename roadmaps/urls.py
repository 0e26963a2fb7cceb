from __future__ import annotations

from django.urls import path

from roadmaps.views import activities, approval, editing, roadmaps, schools, trash

app_name = "roadmaps"

urlpatterns = [
    path("", roadmaps.roadmap_list, name="roadmap_list"),
    path("new/", roadmaps.roadmap_create, name="roadmap_create"),
    path("<int:pk>/", roadmaps.roadmap_detail, name="roadmap_detail"),
    path("<int:pk>/edit/", roadmaps.roadmap_edit, name="roadmap_edit"),
    path("<int:pk>/copy/", roadmaps.roadmap_copy_view, name="roadmap_copy"),
    path("<int:pk>/approve/", approval.roadmap_approve_view, name="roadmap_approve"),
    path("<int:pk>/revision/", approval.roadmap_revision_open_view, name="roadmap_revision_open"),
    path("<int:pk>/revision/close/", approval.roadmap_revision_close_view, name="roadmap_revision_close"),
    path("<int:pk>/archive/", approval.roadmap_archive_view, name="roadmap_archive"),
    path("<int:pk>/draft/", approval.roadmap_back_to_draft_view, name="roadmap_back_to_draft"),
    path("<int:pk>/renumber/", approval.roadmap_renumber_view, name="roadmap_renumber"),
    path("<int:pk>/history/", approval.roadmap_history_view, name="roadmap_history"),
    path("<int:pk>/trash/", trash.trash_list, name="trash"),
    path("<int:pk>/trash/empty/", trash.trash_empty_view, name="trash_empty"),
    path("<int:pk>/trash/<int:entry_pk>/restore/", trash.trash_restore_view, name="trash_restore"),
    path("<int:pk>/trash/<int:entry_pk>/purge/", trash.trash_purge_view, name="trash_purge"),
    path("<int:pk>/deadline-preview/", editing.deadline_preview, name="deadline_preview"),
    path("<int:pk>/sections/new/", editing.section_create_view, name="section_create"),
    path("<int:pk>/activities/new/", editing.activity_create_view, name="activity_create"),
    path("sections/<int:pk>/edit/", editing.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", editing.section_delete_view, name="section_delete"),
    path("sections/<int:pk>/move/<str:direction>/", editing.section_move_view, name="section_move"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", editing.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/row/", editing.activity_row, name="activity_row"),
    path("activities/<int:pk>/delete/", editing.activity_delete_view, name="activity_delete"),
    path("activities/<int:pk>/move/<str:direction>/", editing.activity_move_view, name="activity_move"),
    path("activities/<int:pk>/date/", editing.activity_set_date, name="activity_set_date"),
    path("activities/<int:pk>/mark/", activities.mark_submit_view, name="mark_submit"),
    path("activities/<int:pk>/comments/", activities.comment_add_view, name="comment_add"),
    path("marks/<int:pk>/review/", activities.mark_review_view, name="mark_review"),
    path("marks/<int:pk>/withdraw/", activities.mark_review_withdraw_view, name="mark_review_withdraw"),
    path("marks/<int:pk>/discard/", trash.mark_discard_view, name="mark_discard"),
    path("evidence/<int:pk>/", activities.evidence_download, name="evidence_download"),
    # The school page's panel (schools:school_detail pulls it by htmx).
    path("schools/<int:pk>/roadmaps/", schools.school_roadmaps, name="school_roadmaps"),
]

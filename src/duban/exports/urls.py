"""Export URLs. The paths are fixed: other pages link to them by path as well as by name.

exports:plans     /exports/plans.<fmt>          xlsx csv json
exports:plan      /exports/plan/<id>.<fmt>      xlsx csv json docx (honours the plan page's filters)
exports:unit      /exports/unit/<id>.<fmt>      xlsx csv docx
exports:units     /exports/units.<fmt>          xlsx csv (honours the unit list's search)
exports:workload  /exports/workload.<fmt>       xlsx csv (?plan=<id> for one plan's sections)
"""

from django.urls import path

from duban.exports import views

app_name = "exports"
urlpatterns = [
    path("plans.<str:fmt>", views.plans_export, name="plans"),
    path("plan/<int:plan_id>.<str:fmt>", views.plan_export, name="plan"),
    path("unit/<int:unit_id>.<str:fmt>", views.unit_export, name="unit"),
    path("units.<str:fmt>", views.units_export, name="units"),
    path("workload.<str:fmt>", views.workload_export, name="workload"),
]

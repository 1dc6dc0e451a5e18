from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "sinergi.recruitment"
    label = "recruitment"

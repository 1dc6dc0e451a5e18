from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    POLICE = "police", _("Kepolisian")
    FOREIGN_POLICE = "foreign_police", _("Kepolisian negara mitra")
    FOREIGN_MINISTRY = "foreign_ministry", _("Kementerian Luar Negeri / Perwakilan RI")
    MIGRANT_WORKER_PROTECTION = "migrant_worker_protection", _("Pelindungan Pekerja Migran")
    PROVINCIAL_SERVICE = "provincial_service", _("Dinas/UPTD provinsi")
    DISTRICT_SERVICE = "district_service", _("Dinas/UPTD kabupaten/kota")
    TASK_FORCE = "task_force", _("Gugus Tugas TPPO")
    NGO = "ngo", _("LSM")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("Organisasi internasional")
    VILLAGE = "village", _("Pemerintah desa")


class Level(models.TextChoices):
    NATIONAL = "national", _("Nasional")
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/Kota")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE = "village", _("Desa/Kelurahan")


class Role(models.TextChoices):
    """A user's role within one agency; what each role may do is decided in ``access`` only."""

    INTAKE_OFFICER = "intake_officer", _("Petugas penerimaan laporan")
    CASE_MANAGER = "case_manager", _("Manajer kasus")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Administrator lembaga")
    ANALYST = "analyst", _("Analis")
    SYSTEM_ADMIN = "system_admin", _("Administrator sistem")


# HTCDS ``vic_TraffickingStatusDecisionMakingOrg`` for each agency type: who decides a victim status.
DECISION_ORG_FOR_TYPE = {
    AgencyType.POLICE: "Police",
    AgencyType.FOREIGN_POLICE: "Police",
    AgencyType.NGO: "NGO",
    AgencyType.INTERNATIONAL_ORGANISATION: "NGO",
}

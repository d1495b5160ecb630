"""The ESCO taxonomy: skills, occupations, ISCO-08 groups and their labels in every language.

A concept's labels live in `Label` rows (one per language, kind and text), so
any language of the official download can be imported and searched; the
preferred label in the user's language is shown, the English one where it is
missing (and marked as such).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillType(models.TextChoices):
    SKILL = "skill", _("Skill or competence")
    KNOWLEDGE = "knowledge", _("Knowledge")
    UNSPECIFIED = "", _("Not specified")


class RelationType(models.TextChoices):
    ESSENTIAL = "essential", _("Essential")
    OPTIONAL = "optional", _("Optional")


class LabelKind(models.TextChoices):
    PREFERRED = "preferred", _("Preferred label")
    ALTERNATIVE = "alternative", _("Alternative label")


class IscoGroup(models.Model):
    uri = models.CharField(max_length=200, unique=True)
    code = models.CharField(_("ISCO-08 code"), max_length=10, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ISCO-08 group")
        verbose_name_plural = _("ISCO-08 groups")

    def __str__(self) -> str:
        return self.code


class Skill(models.Model):
    uri = models.CharField(max_length=200, unique=True)
    skill_type = models.CharField(
        _("type"), max_length=10, choices=SkillType.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["uri"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.uri


class Occupation(models.Model):
    uri = models.CharField(max_length=200, unique=True)
    code = models.CharField(_("ESCO code"), max_length=40, blank=True)
    isco_group = models.ForeignKey(
        IscoGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occupations",
        verbose_name=_("ISCO-08 group"),
    )
    skills = models.ManyToManyField(Skill, through="OccupationSkill", related_name="occupations")

    class Meta:
        ordering = ["code", "uri"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return self.uri


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="relations")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="relations")
    relation = models.CharField(max_length=10, choices=RelationType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="occupation_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id}-{self.skill_id} {self.relation}"


class Label(models.Model):
    """One label of a concept in one language; `normalised` is what search compares."""

    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, null=True, blank=True, related_name="labels"
    )
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, null=True, blank=True, related_name="labels"
    )
    isco_group = models.ForeignKey(
        IscoGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="labels"
    )
    language = models.CharField(max_length=8)
    kind = models.CharField(max_length=12, choices=LabelKind.choices)
    text = models.CharField(max_length=500)
    normalised = models.CharField(max_length=500, db_index=True)
    description = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["language", "kind"], name="label_language_kind")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(skill__isnull=False, occupation__isnull=True, isco_group__isnull=True)
                    | models.Q(
                        skill__isnull=True, occupation__isnull=False, isco_group__isnull=True
                    )
                    | models.Q(
                        skill__isnull=True, occupation__isnull=True, isco_group__isnull=False
                    )
                ),
                name="label_one_concept",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.text}"

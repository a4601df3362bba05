from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "coresponse.training"
    label = "training"
    verbose_name = "Cross-training, certifications and ride-alongs"

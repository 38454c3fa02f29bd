import os
import sys
import time

from django.apps import AppConfig


def pause(sender, rebuild, step, **kwargs):
    if step == os.environ.get("DJANGOES_SAMPLE_PAUSE_AT"):
        print(f"paused at {step}", file=sys.stdout, flush=True)
        time.sleep(600)


class CrashpointsConfig(AppConfig):
    name = "crashpoints"

    def ready(self):
        from djangoes.signals import rebuild_step

        rebuild_step.connect(pause)
        if os.environ.get("DJANGOES_SAMPLE_WAIT_FOR_GO"):  # started ahead: go when told
            sys.stdin.readline()

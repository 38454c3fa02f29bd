"""Stops a rebuild at a chosen step, to be killed there (tests/reliability/test_rebuild_crash.py).

With ``DJANGOES_SAMPLE_PAUSE_AT`` set to one of ``Rebuild.STEPS``, a rebuild that reaches that
step prints ``paused at <step>`` and sleeps: its lease is still renewed, as a rebuild's would be
while it copies, until the test kills the process with SIGKILL. With
``DJANGOES_SAMPLE_WAIT_FOR_GO``, the command waits for a line on its standard input before it
starts (the test starts the next process while it checks the last kill).
"""

"""cProfile inside a dashboard server started for bench/profile_server.py; does nothing unless BENCH_PROFILE_DIR is set.

tests/e2e/server.py starts every server as `python -m streamlit run dashboard.py`. profile_server.py puts this
folder on that server's PYTHONPATH, so Python imports this module at start-up, before Streamlit runs. SIGUSR1 then
turns on one profiler in the main thread (Streamlit's event loop: websocket, message handling) and one around every
script run (the script thread); SIGUSR2 turns both off and writes main.prof and script.prof to BENCH_PROFILE_DIR.
"""

import os

if os.environ.get("BENCH_PROFILE_DIR"):
    import cProfile
    import signal
    from pathlib import Path

    from streamlit.runtime.scriptrunner import script_runner

    _out = Path(os.environ["BENCH_PROFILE_DIR"])
    _main, _script = cProfile.Profile(), cProfile.Profile()
    _state = {"on": False}
    _original = script_runner.ScriptRunner._run_script

    def _run_script(self, rerun_data):
        on = _state["on"]
        if on:
            _script.enable()
        try:
            return _original(self, rerun_data)
        finally:
            if on:
                _script.disable()

    def _start(*_):
        _state["on"] = True
        _main.enable()  # signal handlers run in the main thread: the event loop's

    def _stop(*_):
        _main.disable()
        _state["on"] = False
        _main.dump_stats(_out / "main.prof")
        _script.dump_stats(_out / "script.prof")
        (_out / "done").write_text("ok")

    script_runner.ScriptRunner._run_script = _run_script
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGUSR2, _stop)
    (_out / "armed").write_text(str(os.getpid()))  # tells profile_server.py the hook is in place

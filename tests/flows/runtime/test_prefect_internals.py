"""The Prefect internals flows/runtime/launch.py relies on: if a Prefect release moves them, fail here, loudly.

The launcher starts the API server with the very command Prefect's private `SubprocessASGIServer`
runs (uvicorn --factory prefect.server.api.server:create_app, with PREFECT__SERVER_EPHEMERAL and
PREFECT__SERVER_FINAL set), so that the command's process never imports Prefect's server code.
"""
import inspect

from qualmine.flows.runtime import launch


def test_the_server_factory_the_launcher_names_exists_and_reads_the_ephemeral_flags():
    import prefect.server.api.server as server

    module, _, name = launch.SERVER_APP.partition(":")
    assert module == server.__name__
    factory = getattr(server, name)
    assert callable(factory)
    source = inspect.getsource(factory)
    for flag in ("PREFECT__SERVER_EPHEMERAL", "PREFECT__SERVER_FINAL"):
        assert flag in launch.SERVER_ENV
        assert flag in source, f"prefect's {launch.SERVER_APP} no longer reads {flag}: update flows/runtime/launch.py"


def test_prefects_own_subprocess_server_still_runs_the_command_the_launcher_copies():
    from prefect.server.api.server import SubprocessASGIServer

    source = inspect.getsource(SubprocessASGIServer)
    assert "--factory" in source and launch.SERVER_APP in source, (
        "Prefect's SubprocessASGIServer changed its server command: flows/runtime/launch.py copies it")
    for flag, value in launch.SERVER_ENV.items():
        if flag.startswith("PREFECT__"):
            assert f'"{flag}": "{value}"' in source, f"SubprocessASGIServer no longer sets {flag}={value}"

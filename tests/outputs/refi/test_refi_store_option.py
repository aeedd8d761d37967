"""`--store PATH` on `import qdpx` / `export qdpx` means what it means on every other command; the old
spellings (`--store` alone, `--store-url PATH`) keep working, the latter with a deprecation note."""
from __future__ import annotations

from typer.testing import CliRunner

from qualmine.flows.cli.app import app
from qualmine.flows.cli.exchange import DEFAULT_STORE, bare_store_argv
from refi_inputs import foreign_qde, write_qdpx

runner = CliRunner()


def _coders(path) -> set[str]:
    from qualmine.coding.store.database import ProjectStore

    with ProjectStore(path) as store:
        return set(store.decisions()["coder"])


def test_store_path_old_flag_and_deprecated_url(tmp_path, monkeypatch):
    qdpx = write_qdpx(tmp_path / "nvivo.qdpx", foreign_qde())
    # --force: each import replaces the one before in the same run folder (an import never overwrites without it)
    base = ["import", "qdpx", str(qdpx), "--coder", "jane", "--out", str(tmp_path / "run"), "--force"]
    given = runner.invoke(app, [*base, "--store", str(tmp_path / "a.sqlite")])
    assert given.exit_code == 0, given.output
    assert _coders(tmp_path / "a.sqlite") == {"jane"}
    old = runner.invoke(app, [*base, "--store-url", str(tmp_path / "b.sqlite")])
    assert old.exit_code == 0 and "--store-url is deprecated" in old.output and _coders(tmp_path / "b.sqlite") == {"jane"}
    monkeypatch.setenv("QUALMINE_STORE", str(tmp_path / "default.sqlite"))
    bare = runner.invoke(app, bare_store_argv([*base, "--store"]))
    assert bare.exit_code == 0, bare.output
    assert _coders(tmp_path / "default.sqlite") == {"jane"}
    clash = runner.invoke(app, [*base, "--store", str(tmp_path / "a.sqlite"), "--store-url", str(tmp_path / "c.sqlite")])
    assert clash.exit_code == 2 and "name two stores" in clash.output


def test_bare_store_argv_only_touches_the_qdpx_commands():
    assert bare_store_argv(["export", "qdpx", "--store", "--names", "en"]) == \
        ["export", "qdpx", "--store", DEFAULT_STORE, "--names", "en"]
    assert bare_store_argv(["import", "qdpx", "f.qdpx", "--store"])[-1] == DEFAULT_STORE
    assert bare_store_argv(["import", "qdpx", "f.qdpx", "--store", "x.sqlite"])[-1] == "x.sqlite"
    assert bare_store_argv(["review", "export", "--store"]) == ["review", "export", "--store"]

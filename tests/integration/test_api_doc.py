"""The notebook session of docs/api.md runs as written (every ``python`` block, in order, in a fresh folder)."""

import re
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "api.md"


def test_api_doc_example_runs(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"{DOC.name} block {k + 1}", "exec"), ns)  # noqa: S102 - the documented example
    out = capsys.readouterr().out
    assert "('experiment', 'time', 'lat', 'lon') ['S1', 'S2']" in out
    assert "g m-2 yr-2" in out
    assert (tmp_path / "tiny-study" / "tpcarbon.log").exists()
    assert ns["contrib"].sizes["factor"] == 2

"""What every `make bench` script shares: where the shared data is, the machine's state beside the numbers,
and how a record is written to eval/results/."""
from __future__ import annotations

import json
import os
from pathlib import Path


def default_data() -> str:
    """$EVAL_DATA (as `make eval` takes it), else ../shared/data beside the project."""
    from training.sources import DEFAULT_DATA

    return os.environ.get("EVAL_DATA") or str(DEFAULT_DATA)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine_at_end() -> dict:
    """The CPUs and the load average when the measuring ended: a shared machine's noise, said beside the ratios."""
    return {"cpus": os.cpu_count(), "load_average_at_end": load_average()}


def write(record: dict, out: str | Path, sort_keys: bool = False) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, ensure_ascii=False, sort_keys=sort_keys) + "\n", encoding="utf-8")
    return out

"""Write N generated call-42 documents as JSON Lines on standard output (the harness's seeded
set of 400, repeated), to feed batch mode:

    python benchmarks/stream_documents.py 1000000 | amif-rules check - --jsonl > verdicts.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import generate  # noqa: E402


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    lines = [json.dumps(document, default=str) for _, document in generate(400)]
    write = sys.stdout.write
    for index in range(count):
        write(lines[index % len(lines)] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

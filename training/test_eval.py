"""CI check of training/eval.py on the smoke export (.cache/smoke, written by export.py --smoke):
a card written by --write is reproduced; a number changed beyond its rounding, a changed text or a
missing group fails with the path named; a number rounded to fewer decimals still passes.

    /usr/bin/python3 training/test_eval.py [--model emotion|gender] [--weights .cache/smoke]
"""
import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

import eval as ev

LIMIT = "160"


def run(args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = ev.main(args)
    return rc, out.getvalue()


def check(model, weights):
    with tempfile.TemporaryDirectory() as tmp:
        card = Path(tmp) / f"{model}.card.json"
        base = ["--model", model, "--weights", weights, "--card", str(card), "--no-wild"]
        rc, _ = run(base + ["--write", "--limit", LIMIT])
        assert rc == 0 and card.exists(), "--write failed"
        written = json.loads(card.read_text())
        assert written["eval"]["limit"] == int(LIMIT), "the card keeps the sample size it was measured on"
        rc, text = run(base)
        assert rc == 0 and "card reproduced" in text, text

        def variant(edit, expect_rc, expect_text):
            c = json.loads(json.dumps(written))
            edit(c)
            card.write_text(json.dumps(c))
            rc, text = run(base)
            assert rc == expect_rc and expect_text in text, (expect_rc, expect_text, text)

        split = "PrivateTest" if model == "emotion" else "test"
        acc = lambda c: c["splits"][split]["flip"] if model == "emotion" else c["splits"][split]
        variant(lambda c: acc(c).update(accuracy=acc(c)["accuracy"] + 0.01), 1, f".splits.{split}")
        variant(lambda c: acc(c).update(accuracy=round(acc(c)["accuracy"], 3)), 0, "card reproduced")
        variant(lambda c: acc(c)["confusion"][0].__setitem__(0, acc(c)["confusion"][0][0] + 1), 1, "confusion[0][0]")
        variant(lambda c: c.update(params=c["params"] - 1), 1, ".params")
        if model == "gender":
            variant(lambda c: c.update(children=c["children"] + "!"), 1, ".children")
            variant(lambda c: c["splits"]["test"]["groups"]["age"].pop("20-29"), 0, "new (not in the card")
    print(f"test_eval {model}: ok (written card reproduced; changed numbers, counts and text caught; rounding tolerated)")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="emotion")
    p.add_argument("--weights", default=".cache/smoke")
    a = p.parse_args()
    check(a.model, a.weights)

"""Score distributions of closed rounds: from a list of every score to each score with how many gave it (issue 9).

Lossless both ways: the same answers, without the repetition (a round of 100,000 ballots stored and showed
100,000 numbers per score criterion).
"""

from django.db import migrations


def _to_counts(dist: dict) -> dict:
    counts: dict[str, int] = {}
    for v in sorted(float(x) for x in dist["scores"]):
        counts[repr(v)] = counts.get(repr(v), 0) + 1
    return {"scale": "score", "counts": counts}


def _to_list(dist: dict) -> dict:
    scores = sorted(v for k, n in dist["counts"].items() for v in [float(k)] * int(n))
    return {"scale": "score", "scores": scores}


def _convert(apps, old_key: str, change):
    Subject = apps.get_model("appraisal", "Subject")
    for subject in Subject.objects.exclude(distribution={}).iterator(chunk_size=500):
        dists = subject.distribution
        if not any(d.get("scale") == "score" and old_key in d for d in dists.values()):
            continue
        subject.distribution = {
            cid: change(d) if d.get("scale") == "score" and old_key in d else d for cid, d in dists.items()
        }
        subject.save(update_fields=["distribution"])


def forwards(apps, schema_editor):
    _convert(apps, "scores", _to_counts)


def backwards(apps, schema_editor):
    _convert(apps, "counts", _to_list)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0003_fill_ballot_tally")]

    operations = [migrations.RunPython(forwards, backwards)]

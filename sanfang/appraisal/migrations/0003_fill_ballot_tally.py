"""Fill the running tally (issue 9) for every round that already has ballots, from the ballots themselves."""

from django.db import migrations

from sanfang.appraisal.tally import count_answers


def fill(apps, schema_editor):
    Round = apps.get_model("appraisal", "Round")
    Ballot = apps.get_model("appraisal", "Ballot")
    BallotTally = apps.get_model("appraisal", "BallotTally")
    for round_id in Round.objects.filter(ballots__isnull=False).distinct().values_list("pk", flat=True):
        answers = Ballot.objects.filter(round_id=round_id).values_list("answers", flat=True)
        counts = count_answers(answers.iterator(chunk_size=2000))
        BallotTally.objects.bulk_create(
            [
                BallotTally(round_id=round_id, subject_id=s, criterion_id=c, value=v, n=n)
                for (s, c, v), n in counts.items()
                if s is not None  # the round's own row came later, with 0005
            ],
            batch_size=1000,
        )


def empty(apps, schema_editor):
    apps.get_model("appraisal", "BallotTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0002_ballot_tally")]

    operations = [migrations.RunPython(fill, empty)]

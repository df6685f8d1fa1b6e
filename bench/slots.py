"""Slot computation for one service over 90 days (target: under 20 ms).

    .venv/bin/python bench/slots.py --pure            # bookings.slots only, no database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benecomune \
        .venv/bin/python bench/slots.py --repeat 50   # with the loader, on PostgreSQL

The service: 60-minute turns every 30 minutes with 15 minutes' buffer before, three
resources working Monday to Friday 8:00-12:30 and 14:00-18:00 (one also Saturday morning),
nine provider-wide holidays, a blocked period every week per resource, a weekly series on
one resource; the 90 days start a week before the change to summer time. `--pure` times
`compute_slots` on data built in memory; otherwise the database `benecomune_bench_slots`
(`--db-name`) is recreated, seeded through the real services, and
`agenda_reads.available_slots` (its queries included) is timed. Prints median, p95 and max
of `--repeat` runs.
"""

import argparse
import datetime
import statistics
import sys
import time
from zoneinfo import ZoneInfo

import common  # bench/common.py, next to this script
from common import recreate_database, with_db

BENCH_DB = "benecomune_bench_slots"
ROME = ZoneInfo("Europe/Rome")
FIRST_DAY = datetime.date(2027, 3, 21)
DAYS = 90
T = datetime.time


def _week(saturday: bool):
    days = range(5)
    week = [(d, T(8), T(12, 30)) for d in days] + [(d, T(14), T(18)) for d in days]
    return week + ([(5, T(8), T(12))] if saturday else [])


def _report(label: str, timings: list[float], slots: int) -> None:
    timings = sorted(timings)
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    print(
        f"{label}: {slots} slots over {DAYS} days; median {statistics.median(timings):.2f} ms, "
        f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms ({len(timings)} runs)"
    )


def pure(repeat: int) -> None:
    sys.path.insert(0, str(common.ROOT / "src"))
    from benecomune.bookings.slots import ResourceAgenda, Rules, compute_slots, minutes_of

    rules = Rules(duration=60, buffer_before=15, step=30, notice_minutes=24 * 60, window_days=90)
    holidays = frozenset(FIRST_DAY + datetime.timedelta(days=n) for n in range(0, DAYS, 10))
    resources = []
    for n in range(3):
        week: dict[int, list] = {}
        for weekday, start, end in _week(saturday=n == 0):
            week.setdefault(weekday, []).append((minutes_of(start), minutes_of(end)))
        blocked = tuple(
            (
                datetime.datetime.combine(day, T(10), ROME),
                datetime.datetime.combine(day, T(11, 30), ROME),
            )
            for day in (FIRST_DAY + datetime.timedelta(days=d) for d in range(n, DAYS, 7))
        )
        resources.append(
            ResourceAgenda(n + 1, {k: tuple(v) for k, v in week.items()}, holidays, {}, blocked)
        )
    now = datetime.datetime.combine(FIRST_DAY, T(7), ROME) - datetime.timedelta(days=1)
    last = FIRST_DAY + datetime.timedelta(days=DAYS - 1)
    timings, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = len(compute_slots(rules, resources, FIRST_DAY, last, now))
        timings.append((time.perf_counter() - started) * 1000)
    _report("compute_slots (pure)", timings, count)


def seed():
    from benecomune.bookings.services import agenda, agenda_schedule
    from benecomune.core.actors import Actor
    from benecomune.core.models import Provider
    from benecomune.marketplace.services import catalogue

    actor = Actor.system_actor("bench")
    network, town = common.bench_town()
    provider = Provider.objects.create(
        name="Cooperativa bench",
        slug="coop-bench",
        provider_kind="social_cooperative",
        vat_number="01234560280",
        network=network,
        municipality=town,
    )
    service = catalogue.create_service(
        actor,
        provider,
        title="Assistenza domiciliare",
        description="Bench",
        user_area="elderly",
        service_type="home_care",
        price="22,00",
        price_unit="hour",
        delivery="in_person",
        payable_by=["own"],
    )
    today = FIRST_DAY - datetime.timedelta(days=1)
    resources = []
    for n in range(3):
        resource = agenda.create_resource(actor, provider, name=f"Operatore {n}", kind="person")
        agenda.set_working_hours(actor, resource, _week(saturday=n == 0))
        for d in range(n, DAYS, 7):
            day = FIRST_DAY + datetime.timedelta(days=d)
            agenda.add_blocked_period(
                actor,
                resource,
                start_date=day,
                start_time=T(10),
                end_date=day,
                end_time=T(11, 30),
                now=datetime.datetime.combine(today, T(0), ROME),
            )
        resources.append(resource)
    for d in range(0, DAYS, 10):
        agenda.add_exception(
            actor, provider, date=FIRST_DAY + datetime.timedelta(days=d), today=today
        )
    agenda_schedule.set_schedule(
        actor,
        service,
        duration_minutes=60,
        capacity=1,
        buffer_before_minutes=15,
        buffer_after_minutes=0,
        min_notice_hours=24,
        window_days=90,
        step_minutes=30,
        resources=resources,
    )
    agenda_schedule.create_series(
        actor,
        service,
        title="Serie del martedì",
        first_day=FIRST_DAY + datetime.timedelta(days=2),
        weekdays=[1],
        weeks=10,
        starts_at=T(16),
        ends_at=T(17),
        capacity=8,
        resource=resources[1],
        today=today,
    )
    return service


def with_database(url: str, repeat: int, name: str) -> None:
    recreate_database(url, name)
    common.setup_django(with_db(url, name))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benecomune.bookings.services import agenda_reads
    from benecomune.core.scoping import all_tenants

    with all_tenants():
        service = seed()
        schedule = agenda_reads.schedule_of(service)
        now = datetime.datetime.combine(FIRST_DAY, T(7), ROME) - datetime.timedelta(days=1)
        last = FIRST_DAY + datetime.timedelta(days=DAYS - 1)
        timings, count = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            count = len(agenda_reads.available_slots(schedule, FIRST_DAY, last, now=now))
            timings.append((time.perf_counter() - started) * 1000)
    _report("available_slots (queries + computation)", timings, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pure", action="store_true", help="no database: compute_slots only")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--db-name", default=BENCH_DB, help="database dropped and recreated")
    args = parser.parse_args()
    if args.pure:
        pure(args.repeat)
        return
    import os

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server (or use --pure).")
    pure(args.repeat)
    with_database(url, args.repeat, args.db_name)


if __name__ == "__main__":
    main()

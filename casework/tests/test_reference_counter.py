"""The human references (``C-2026-000045``): gap-free per prefix and year, also when
transactions roll back or run at the same time."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from casework.services.cases import reference_next


@pytest.mark.django_db
def test_references_count_on_per_prefix_and_year():
    assert reference_next(prefix="C", year=2031) == "C-2031-000001"
    assert reference_next(prefix="C", year=2031) == "C-2031-000002"
    assert reference_next(prefix="S", year=2031) == "S-2031-000001"
    assert reference_next(prefix="C", year=2032) == "C-2032-000001"
    assert reference_next(prefix="C", year=2031) == "C-2031-000003"


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    reference_next(prefix="C", year=2031)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert reference_next(prefix="C", year=2031) == "C-2031-000002"
        raise RuntimeError("the case is not opened after all")

    assert reference_next(prefix="C", year=2031) == "C-2031-000002"


@pytest.mark.django_db(transaction=True)
def test_transactions_at_once_get_consecutive_numbers_without_gaps():
    # Ten filings at once, the first of the year among them (the counter's row does not
    # exist yet), two of which roll back: the eight that commit hold 1 to 8.
    start = threading.Barrier(10)
    committed: list[str] = []
    errors: list[BaseException] = []

    def file(n: int) -> None:
        try:
            start.wait()
            with transaction.atomic():
                reference = reference_next(prefix="T", year=2033)
                if n in (3, 7):
                    raise LookupError("rolled back")
            committed.append(reference)
        except LookupError:
            pass
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(committed) == [f"T-2033-{n:06d}" for n in range(1, 9)]

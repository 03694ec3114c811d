"""The local multiprocess engine cleans exactly as one process, in input order, and
reads its input only as far as the work in flight needs."""
from dedupe import Config, Document, clean_documents
from dedupe.engine import local

PARA = ("The council voted on Monday to approve the new housing plan, which will add thousands "
        "of homes over the next decade. Officials said construction would begin next spring.")


def _docs(n: int) -> list[Document]:
    return [Document(id=f"d{i}", raw=f"Home\nNews\n\n{PARA} Story {i}.\n\nShare this", format="text")
            if i % 7 else Document(id=f"d{i}", error="unreadable") for i in range(n)]


def test_two_workers_match_one_process_in_order():
    expected = list(clean_documents(_docs(150)))
    got = list(local.clean_parallel(_docs(150), Config(workers=2)))
    assert got == expected
    assert [d.id for d in got] == [f"d{i}" for i in range(150)]
    assert got[1].text.startswith("The council voted") and got[0].error == "unreadable"
    # (equal raw inputs included: a worker sends a document back without it, the parent puts its own back)
    assert all(d.raw is None for d in local._clean_batch(_docs(3), Config(), False))


def test_input_is_not_read_ahead_without_bound():
    pulled = 0

    def source():
        nonlocal pulled
        for d in _docs(5000):
            pulled += 1
            yield d

    out = local.clean_parallel(source(), Config(workers=2))
    first = next(out)
    assert first.id == "d0"
    # the batches in flight, plus the one submitted when the first batch came back
    assert pulled <= (local.IN_FLIGHT * 2 + 1) * local.BATCH
    out.close()


def test_a_finished_run_stops_its_workers_without_signals(monkeypatch):
    """At the end the workers are told to stop and joined: Pool.terminate signals them,
    and a worker signalled while it holds the task queue's lock could leave the other
    waiting on it for ever (a run that hung now and then after its last document)."""
    import multiprocessing.pool

    terminated = []
    real = multiprocessing.pool.Pool.terminate
    monkeypatch.setattr(multiprocessing.pool.Pool, "terminate", lambda self: (terminated.append(1), real(self)))
    assert len(list(local.clean_parallel(_docs(100), Config(workers=2)))) == 100
    assert not terminated
    gen = local.clean_parallel(_docs(1000), Config(workers=2))
    next(gen)
    gen.close()  # a consumer that stops early: the workers are terminated
    assert terminated


def test_workers_leave_ctrl_c_to_the_parent():
    """A terminal's Ctrl-C reaches the whole process group; the workers ignore it (the
    parent stops them) instead of each printing a KeyboardInterrupt traceback."""
    import signal

    with local._worker_pool(2) as pool:
        assert pool.apply(signal.getsignal, (signal.SIGINT,)) == signal.SIG_IGN

"""Where a request's time goes in the app, without the network (a script, not a test).

    python benchmarks/serve_profile.py --store /tmp/budgetkg-bench/store-bundled
    python benchmarks/serve_profile.py --store STORE --profile 25     # and the 25 costliest functions

Calls the ASGI apps directly (no sockets, no uvicorn) with POST /api/ask bodies of the development
questions, one after another in one event loop, and prints CPU µs per request for: the minimal
FastAPI app (benchmarks/minimal_app.py), budgetkg's /api/ask answered from the answer cache (the
steady state of repeated questions), the same through FastAPI's route instead of the cache's fast
path, and /api/ask with the cache off (every question answered by the question layer).  With
--profile, cProfile's top functions (own time) for the cached path.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import minimal_app  # noqa: E402

QUESTIONS = [json.loads(line)["q"] for line in (HERE.parent / "tests" / "questions" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]


async def call(app, body: bytes, content_type: bytes = b"application/json") -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/ask", "raw_path": b"/api/ask", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"x"), (b"content-type", content_type), (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)

    status = []

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def per_request_us(app, bodies: list[bytes], n: int, content_type: bytes = b"application/json") -> float:
    for body in bodies:  # warm: the cache, imports
        await call(app, body, content_type)
    started = time.process_time()
    for i in range(n):
        assert await call(app, bodies[i % len(bodies)], content_type) == 200
    return (time.process_time() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True)
    parser.add_argument("-n", type=int, default=3000)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    from budgetkg.api.app import create_app
    from budgetkg.settings import Settings

    settings = Settings.from_env(store=args.store, query_workers=1)
    app = create_app(settings)
    uncached = create_app(replace(settings, answer_cache=0))
    mini = minimal_app.create_app()
    bodies = [json.dumps({"question": q, "session_id": "profile"}, ensure_ascii=False).encode() for q in QUESTIONS]
    loop = asyncio.new_event_loop()
    print(f"CPU µs per request, {len(QUESTIONS)} development questions in turn:")
    print(f"  minimal FastAPI app, fixed 1 KB answer   {loop.run_until_complete(per_request_us(mini, bodies, args.n)):8.0f}")
    print(f"  /api/ask from the answer cache           {loop.run_until_complete(per_request_us(app, bodies, args.n)):8.0f}")
    # a +json media type: FastAPI's route reads it as JSON, the fast path leaves it to the route, so this is the
    # cached answer through routing, the body model and the dependencies
    routed = loop.run_until_complete(per_request_us(app, bodies, args.n, b"application/vnd.budgetkg+json"))
    print(f"  /api/ask from the cache, through routing {routed:8.0f}")
    fresh = loop.run_until_complete(per_request_us(uncached, bodies, max(100, args.n // 20)))
    print(f"  /api/ask, question layer (no cache)      {fresh:8.0f}")
    print(f"  answer cache: {app.state.services.asker.answers.stats()}")
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        loop.run_until_complete(per_request_us(app, bodies, args.n))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    for a in (app, uncached):
        a.state.services.runner.close()


if __name__ == "__main__":
    main()

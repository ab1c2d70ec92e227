"""The fake Bot API answers other clients the way Telegram does, not only python-telegram-bot."""

from __future__ import annotations

import httpx


async def test_methods_are_case_insensitive_and_bodies_may_be_json_form_or_query(api):
    async with httpx.AsyncClient(base_url=f"{api.url}/bot{api.token}") as client:
        by_json = await client.post("/SENDMESSAGE", json={"chat_id": 5, "text": "một"})
        by_form = await client.post("/sendmessage", data={"chat_id": "5", "text": "hai"})
        by_query = await client.get("/sendMessage", params={"chat_id": "5", "text": "ba"})
    assert [answer.json()["ok"] for answer in (by_json, by_form, by_query)] == [True, True, True]
    assert api.sent_texts(5) == ["một", "hai", "ba"]


async def test_refusals_look_like_telegram_ones(api):
    async with httpx.AsyncClient(base_url=api.url) as client:
        wrong_token = await client.post("/bot1:nope/getMe")
        unknown = await client.post(f"/bot{api.token}/sendHologram")
        bad_html = await client.post(f"/bot{api.token}/sendMessage",
                                     data={"chat_id": "5", "text": "a < b", "parse_mode": "HTML"})
    assert (wrong_token.status_code, unknown.status_code, bad_html.status_code) == (401, 404, 400)
    assert bad_html.json()["description"].startswith("Bad Request: can't parse entities")
    assert api.sent_texts(5) == []


async def test_past_its_rate_a_request_gets_429_and_a_carried_call_is_dropped_unsaid(api):
    api.limit_rate(3)
    async with httpx.AsyncClient(base_url=f"{api.url}/bot{api.token}") as client:
        answers = [await client.post("/sendMessage", json={"chat_id": 5, "text": f"số {n}"}) for n in range(4)]
    await api.carry({"method": "sendMessage", "chat_id": 6, "text": "trong câu trả lời"})
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[3].json()["parameters"]["retry_after"] >= 1
    assert api.sent_texts(5) == ["số 0", "số 1", "số 2"] and api.sent_texts(6) == []
    assert [(call.status, call.in_answer) for call in api.calls][-1] == (429, True)

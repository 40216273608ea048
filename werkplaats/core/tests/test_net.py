"""The client's address behind trusted proxies: what rate limits count and the audit log keeps."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from werkplaats.core.net import client_address


def request(remote: str | None = "10.0.0.2", forwarded: str | None = None) -> HttpRequest:
    built = RequestFactory().get("/")
    if forwarded is not None:
        built.META["HTTP_X_FORWARDED_FOR"] = forwarded
    if remote is None:
        del built.META["REMOTE_ADDR"]
    else:
        built.META["REMOTE_ADDR"] = remote
    return built


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_the_direct_peer_is_the_client() -> None:
    assert client_address(request("192.0.2.1", forwarded="198.51.100.7")) == "192.0.2.1"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        # The client wrote the first entry itself; only the one the proxy appended is believed.
        ("203.0.113.9, 198.51.100.7", "198.51.100.7"),
        ("  2001:db8::7 ", "2001:db8::7"),
        # Not an address: the proxy's own address is the best account there is.
        ("198.51.100.7, not-an-address", "10.0.0.2"),
        ("", "10.0.0.2"),
        (None, "10.0.0.2"),
    ],
)
def test_behind_one_proxy_the_entry_it_appended_is_the_client(forwarded: str | None, expected: str) -> None:
    assert client_address(request("10.0.0.2", forwarded=forwarded)) == expected


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_second_from_the_right() -> None:
    assert client_address(request(forwarded="203.0.113.9, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"
    # Fewer entries than proxies: the request did not pass both; the direct peer is the client.
    assert client_address(request(forwarded="198.51.100.7")) == "10.0.0.2"


def test_no_address_at_all_is_none() -> None:
    assert client_address(request(None)) is None
    assert client_address(request("garbage")) is None

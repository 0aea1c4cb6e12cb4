"""Which address the sign-in lockout counts failures against (carechoices.core.client_address)."""

from __future__ import annotations

import pytest

from carechoices.core.client_address import address_of, trusted_proxies

LOCAL = trusted_proxies("")  # the default: nginx on this machine


def test_behind_our_proxy_the_address_is_the_one_nginx_saw():
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.7"}
    assert address_of(meta, LOCAL) == "198.51.100.7"
    assert address_of({"REMOTE_ADDR": "::1", "HTTP_X_REAL_IP": "2001:DB8::1"}, LOCAL) == "2001:db8::1"


def test_a_client_that_is_not_our_proxy_cannot_choose_its_address():
    meta = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_REAL_IP": "198.51.100.7"}
    assert address_of(meta, LOCAL) == "203.0.113.9"


@pytest.mark.parametrize("header", ["", "not-an-address", "198.51.100.7, 203.0.113.9", "1.2.3"])
def test_a_header_nginx_did_not_write_leaves_the_proxy_address(header):
    assert address_of({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": header}, LOCAL) == "127.0.0.1"


def test_without_a_peer_address_there_is_none():
    assert address_of({"HTTP_X_REAL_IP": "198.51.100.7"}, LOCAL) is None


def test_the_setting_lists_addresses_and_refuses_anything_else():
    assert trusted_proxies("") == {"127.0.0.1", "::1"}
    assert trusted_proxies(" 10.0.0.5 , 10.0.0.6") == {"10.0.0.5", "10.0.0.6"}
    with pytest.raises(ValueError, match="TRUSTED_PROXY_ADDRESSES: 'balancer'"):
        trusted_proxies("10.0.0.5,balancer")

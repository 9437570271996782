#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Placement's resource providers: one request per bulk read, no more."""

import json

from oslotest import base
import requests

from aerospike_filters.client import http
from aerospike_filters.client import resource_providers

LVM = 'CUSTOM_AEROSPIKE_STORAGE_LVM'
FACT = 'CUSTOM_AEROSPIKE_FACT_BACKEND_LVM'


def answer(status, body):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    return response


class Placement:
    """An openstacksdk placement proxy answering from a dict of URLs."""

    def __init__(self, answers):
        self.answers = answers
        self.requests = []

    def get(self, url, microversion=None, raise_exc=True):
        self.requests.append((url, microversion))
        return self.answers[url]


class Connection:
    def __init__(self, answers):
        self.placement = Placement(answers)


def provider(name, uuid, root=None):
    return {'name': name, 'uuid': uuid, 'root_provider_uuid': root or uuid}


class TestProviders(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.conn = Connection({
            '/resource_providers': answer(200, {'resource_providers': [
                provider('c1', 'u1'), provider('c2', 'u2'),
                provider('c1_pf', 'u3', root='u1')]}),
            '/traits?name=startswith:CUSTOM_AEROSPIKE_': answer(
                200, {'traits': [LVM, FACT]}),
            '/resource_providers?required=' + LVM: answer(
                200, {'resource_providers': [provider('c1', 'u1')]}),
            '/resource_providers?required=' + FACT: answer(
                200, {'resource_providers': [provider('c2', 'u2')]})})
        self.providers = resource_providers.Providers(
            self.conn, retry=http.Retrying(attempts=1))

    def test_each_bulk_read_once(self):
        self.assertEqual({'c1': 'u1', 'c2': 'u2'},
                         self.providers.compute_nodes())
        self.assertEqual({'c1': [LVM]}, self.providers.managed_traits())
        self.assertEqual({'c2': ('u2', [FACT])},
                         self.providers.fact_traits())
        self.providers.all()
        self.providers.managed_traits()
        self.assertEqual(
            [('/resource_providers', http.PLACEMENT_MICROVERSION),
             ('/traits?name=startswith:CUSTOM_AEROSPIKE_',
              http.PLACEMENT_MICROVERSION),
             ('/resource_providers?required=' + LVM,
              http.PLACEMENT_MICROVERSION),
             ('/resource_providers?required=' + FACT,
              http.PLACEMENT_MICROVERSION)],
            self.conn.placement.requests)


class TestCountCarrying(base.BaseTestCase):

    def test_an_unknown_trait_is_carried_by_none(self):
        conn = Connection({'/resource_providers?required=CUSTOM_X': answer(
            400, {'errors': [{'detail': 'No such trait(s): CUSTOM_X'}]})})
        self.assertEqual(0, resource_providers.count_carrying(
            conn, 'CUSTOM_X'))

    def test_carried(self):
        conn = Connection({'/resource_providers?required=' + LVM: answer(
            200, {'resource_providers': [provider('c1', 'u1')]})})
        self.assertEqual(1, resource_providers.count_carrying(conn, LVM))

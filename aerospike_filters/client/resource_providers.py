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

"""Placement's resource providers: bulk reads, inventories, traits.

A compute node is a root resource provider; its PCI devices (nova's
``[pci] report_in_placement``) child providers of it.
"""

from urllib import parse

from aerospike_filters.client import http
from aerospike_filters.client import traits
from aerospike_filters import trait_contract

#: Every resource provider (placement has no pagination for it).
RESOURCE_PROVIDERS = '/resource_providers'
#: The provider of one name.
NAMED = '/resource_providers?name=%s'
#: The providers carrying a trait.
REQUIRED = '/resource_providers?required=%s'
#: The providers with one unit of a resource class free.
WITH_RESOURCES = '/resource_providers?resources=%s:1'
#: One provider's inventories.
INVENTORIES = '/resource_providers/%s/inventories'
#: One provider's usages.
USAGES = '/resource_providers/%s/usages'
#: One provider's traits, with its generation.
TRAITS = '/resource_providers/%s/traits'


class Providers:
    """Placement's resource providers, each bulk read made once.

    One list of every provider (names, UUIDs, generations, trees) and one
    ``required=`` query per managed trait that exists: a number of
    requests that does not grow with the number of compute nodes.
    Placement has no pagination for these lists: each is one response.
    """

    def __init__(self, conn, retry=None):
        self.conn = conn
        self.retry = retry
        self._all = None
        self._managed = None
        self._uuids = {}
        self._names = None
        self._facts = None

    def all(self):
        """Every resource provider, as placement lists them."""
        if self._all is None:
            self._all = http.placement_json(
                self.conn, RESOURCE_PROVIDERS, self.retry)[
                    'resource_providers']
        return self._all

    def compute_nodes(self):
        """{provider name: uuid} of the root providers (compute nodes)."""
        return {p['name']: p['uuid'] for p in self.all()
                if p.get('root_provider_uuid', p['uuid']) == p['uuid']}

    def managed_traits(self):
        """{provider name: sorted managed traits}, for providers with any.

        One query per managed trait that exists (``CUSTOM_AEROSPIKE_*``
        but the facts), not one per provider.
        """
        if self._managed is None:
            self._managed = self._carrying(trait_contract.is_managed)
        return self._managed

    def fact_traits(self):
        """{provider name: (uuid, sorted fact traits)}, for those with any.

        One query per fact trait that exists (a backend or an NVMe count
        some compute published), not one per provider.
        """
        if self._facts is None:
            found = self._carrying(trait_contract.is_fact)
            self._facts = {name: (self._uuids[name], facts)
                           for name, facts in found.items()}
        return self._facts

    def _carrying(self, keep):
        if self._names is None:
            # One list of the family's traits, for managed and facts.
            self._names = traits.names_starting_with(
                self.conn, trait_contract.TRAIT_PREFIX, self.retry)
        found = {}
        for trait in sorted(t for t in self._names if keep(t)):
            for provider in carrying(self.conn, trait, self.retry):
                found.setdefault(provider['name'], []).append(trait)
                self._uuids[provider['name']] = provider['uuid']
        return found


def carrying(conn, trait, retry=None):
    """The providers carrying ``trait`` (which placement knows)."""
    return http.placement_json(conn, REQUIRED % trait, retry)[
        'resource_providers']


def count_carrying(conn, trait, retry=None):
    """How many resource providers carry ``trait`` (0 if it is unknown)."""
    response = http.placement_call(
        conn, retry or http.Retrying(), 'Finding providers with %s' % trait,
        'get', REQUIRED % trait, raise_exc=False)
    if response.status_code == 400:  # placement does not know the trait
        return 0
    response.raise_for_status()
    return len(response.json()['resource_providers'])


def with_one_free(conn, resource_class):
    """The providers with one unit of ``resource_class`` free."""
    return http.placement_json(conn, WITH_RESOURCES % resource_class)[
        'resource_providers']


def inventories(conn, uuid):
    """{resource class: inventory} of one provider."""
    return http.placement_json(conn, INVENTORIES % uuid)['inventories']


def usages(conn, uuid):
    """{resource class: used} of one provider."""
    return http.placement_json(conn, USAGES % uuid)['usages']


def uuid_named(conn, retry, name):
    """The uuid of the resource provider ``name``, or None."""
    body = http.placement_call(conn, retry,
                               'Looking up resource provider %s' % name,
                               'get', NAMED % parse.quote(name)).json()
    return next((p['uuid'] for p in body['resource_providers']), None)


def traits_of(conn, retry, node, uuid):
    """The response to reading the traits of compute node ``node``."""
    return http.placement_call(conn, retry, 'Reading traits of %s' % node,
                               'get', TRAITS % uuid)


def set_traits(conn, retry, node, uuid, names, generation):
    """Write the traits of ``node``'s provider at its ``generation``."""
    return http.placement_call(
        conn, retry, 'Setting traits of %s' % node, 'put', TRAITS % uuid,
        json={'traits': names, 'resource_provider_generation': generation})

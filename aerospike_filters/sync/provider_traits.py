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

"""Make compute node resource providers carry their tier-set traits.

Each provider is changed by read-modify-write with its generation, as
nova-compute changes it: only ``CUSTOM_AEROSPIKE_*`` traits are added or
removed, every other trait is kept, and a 409 (the generation moved on:
nova-compute or another run changed the provider) re-reads and retries.
Traits added this way survive nova-compute's periodic updates and its
restarts (it refreshes its view from placement and keeps what it did not
set). Re-running converges; nothing is half-applied: a provider's traits
change in one call or not at all.

A provider whose managed traits a bulk read
(``client.resource_providers.Providers``) found
already right costs no request: a run costs requests in proportion to
the providers it changes, not to the size of the cloud.
"""

import collections

from aerospike_filters.client import http
from aerospike_filters.client import resource_providers
from aerospike_filters.client import traits
from aerospike_filters import trait_contract

Change = collections.namedtuple('Change', 'node before after changed')
Change.__doc__ = """What publishing did (or would do) to one provider:
its managed traits ``before`` and ``after``."""


class ProviderTraits:
    """The managed traits of compute node resource providers."""

    def __init__(self, conn, retry=None, attempts=5):
        self.conn = conn
        self.retry = retry or http.Retrying()
        self.attempts = attempts
        self._known = None

    def provider_named(self, name):
        """The uuid of the resource provider ``name``, or None."""
        return resource_providers.uuid_named(self.conn, self.retry, name)

    def ensure_defined(self, names):
        """Create the custom traits that placement does not know yet."""
        if self._known is None:
            self._known = set(traits.listed(self.conn, self.retry,
                                            trait_contract.TRAIT_PREFIX))
        for name in sorted(set(names) - self._known):
            traits.create(self.conn, self.retry, name)
            self._known.add(name)

    def publish(self, node, uuid, wanted, dry_run=False, managed=None,
                owns=trait_contract.is_managed):
        """Make ``uuid`` carry exactly the managed traits ``wanted(current)``.

        :param wanted: callable(current traits) -> managed traits to carry.
        :param managed: the managed traits the provider carries, when a
            bulk read just said: if they are already what it should carry,
            no request is made; otherwise (or when None) the provider's
            traits are read and written with its generation.
        :param owns: which traits ``wanted`` decides (the managed ones;
            the facts, to remove conflicting ones); the others are kept.
        :returns: a :class:`Change`.
        :raises http.OperationError: naming the provider and the fault.
        """
        if managed is not None:
            target = frozenset(wanted(managed))
            if target == frozenset(managed):
                return Change(node, sorted(managed), sorted(target), False)
        for _ in range(self.attempts):
            current, generation = self._read(node, uuid)
            target = frozenset(wanted(current))
            kept = {t for t in current if not owns(t)}
            after = sorted(kept | target)
            before = sorted(t for t in current if owns(t))
            if set(after) == set(current) or dry_run:
                return Change(node, before, sorted(target),
                              set(after) != set(current))
            http.provider_traits_call(node, self.ensure_defined, target)
            written = http.provider_traits_call(
                node, resource_providers.set_traits, self.conn, self.retry,
                node, uuid, after, generation)
            if written is not None:
                return Change(node, before, sorted(target), True)
            # 409: the generation moved on (another writer): read again.
        raise http.OperationError('traits of resource provider %s kept '
                                  'changing during %d attempts; run again'
                                  % (node, self.attempts))

    def _read(self, node, uuid):
        response = http.provider_traits_call(
            node, resource_providers.traits_of, self.conn, self.retry, node,
            uuid)
        try:
            body = response.json()
            return body['traits'], body['resource_provider_generation']
        except (AttributeError, ValueError, KeyError, TypeError):
            raise http.OperationError('placement sent the traits of %s cut '
                                      'short; run again' % node) from None


def host_wanted(settings, host, aggregates, nvme_devices):
    """callable(current traits) -> the managed traits of one host.

    :param aggregates: the cloud's aggregates (sync.plan.Aggregate), as
        they are (or will be) after the host's move.
    :param nvme_devices: its NVMe passthrough devices, or None if unknown.
    """
    data = {'hosts': [{'host': host}],
            'aggregates': [{'name': agg.name, 'hosts': [host],
                            'metadata': {k: str(v) for k, v in
                                         agg.metadata.items()}}
                           for agg in aggregates if host in agg.hosts]}
    return trait_contract.wanted_traits(
        data, settings, [], {host: nvme_devices})[host]


def publish_host(conn, retry, settings, host, aggregates, nvme_devices,
                 nodes, dry_run=False):
    """Publish one host's traits (``sync --traits``); a Change per node.

    :param aggregates: the cloud's aggregates (sync.plan.Aggregate), as
        they are (or will be) after the host's sync.
    :param nvme_devices: the host's NVMe passthrough devices (a probe
        counted them), or None when unknown.
    :param nodes: {compute node name: its provider's uuid, or None to look
        it up by name}.
    """
    wanted = host_wanted(settings, host, aggregates, nvme_devices)
    providers = ProviderTraits(conn, retry=retry)
    changes = []
    for node, uuid in sorted(nodes.items()):
        uuid = uuid or providers.provider_named(node)
        if uuid is None:
            raise http.OperationError('no resource provider named %s in '
                                      'placement; pass the hypervisor '
                                      'hostname with --node' % node)
        changes.append(providers.publish(node, uuid, wanted,
                                         dry_run=dry_run))
    return changes

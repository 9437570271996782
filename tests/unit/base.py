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

"""Test base for the Nova adapters: real HostStates from a compact layout.

A layout maps host names to what they offer::

    {'lvm-1': 'lvm', 'nvme-1': ('lvm', 4), 'bare-1': None}

A backend string puts the host in the aggregate ``backend-<backend>`` with
``ephemeral_backend=<backend>``; an integer after it gives the host a PCI
pool of that many free NVMe devices; None leaves the host undescribed. The
HostStates, aggregates, PCI pools and RequestSpecs are nova's own objects,
built by :mod:`aerospike_filters.whatif.replay` as ``explain`` builds
them.
"""

from nova import objects
from nova.scheduler import filters
from nova.scheduler import weights
from nova import test
from oslo_utils import uuidutils

from aerospike_filters import rack_spread
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher
from aerospike_filters.whatif import replay

NVME_VENDOR, NVME_PRODUCT = '144d', 'a80a'
NVME_ALIAS = {'name': 'nvme', 'vendor_id': NVME_VENDOR,
              'product_id': NVME_PRODUCT, 'device_type': 'type-PCI'}
OTHER_ALIAS = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6',
               'device_type': 'type-PCI'}


def nvme_pool(count, vendor=NVME_VENDOR, product=NVME_PRODUCT):
    return {'vendor_id': vendor, 'product_id': product,
            'dev_type': 'type-PCI', 'numa_node': 0, 'count': count}


def snapshot(layout, aggregates=()):
    """A snapshot dict for a layout, plus extra aggregate dicts."""
    hosts, by_backend = [], {}
    for name, offer in layout.items():
        backend, nvme = offer if isinstance(offer, tuple) else (offer, 0)
        host = {'host': name, 'free_ram_mb': 4096}
        if nvme:
            host['pci_pools'] = [nvme_pool(nvme)]
        hosts.append(host)
        if backend is not None:
            by_backend.setdefault(backend, []).append(name)
    aggs = [{'name': 'backend-%s' % backend, 'hosts': members,
             'metadata': {'ephemeral_backend': backend}}
            for backend, members in by_backend.items()]
    return {'hosts': hosts, 'aggregates': aggs + list(aggregates)}


class NovaTestCase(test.NoDBTestCase):
    """Runs the plugin through nova's own filter and weight handlers."""

    def setUp(self):
        super().setUp()
        self.use_pci_aliases([NVME_ALIAS])
        # As in nova-scheduler, one instance serves every request (and logs
        # that it loaded once, before the test looks at the log).
        self.filter = storage_filter.AerospikeStorageFilter()

    def use_pci_aliases(self, aliases):
        replay.use_pci_aliases(aliases)
        self.addCleanup(replay.pci_request.get_alias_from_config.cache_clear)

    def hosts(self, layout, aggregates=()):
        return replay.host_states(snapshot(layout, aggregates))

    def spec(self, extra_specs=None, name='test-flavor'):
        return replay.request_spec(extra_specs or {}, flavor_name=name)

    def passing(self, hosts, extra_specs=None, spec=None):
        """Names of the hosts nova's HostFilterHandler keeps."""
        spec = spec or self.spec(extra_specs)
        kept = filters.HostFilterHandler().get_filtered_objects(
            [self.filter], hosts, spec)
        return sorted(h.host for h in kept or [])

    def weighed(self, hosts, extra_specs=None, spec=None, weigher=None):
        """(name, weight) pairs from nova's HostWeightHandler, best first."""
        spec = spec or self.spec(extra_specs)
        result = weights.HostWeightHandler().get_weighed_objects(
            [weigher or storage_weigher.AerospikeStorageWeigher()], hosts,
            spec)
        return [(w.obj.host, w.weight) for w in result]


TAGGED = {'aerospike:storage': 'local'}


#: Three zones of the rack-spread tests: two hosts, one, one.
ZONES = {'az1': ['a1', 'a2'], 'az2': ['b1'], 'az3': ['c1']}


class Untouchable:
    """A host no attribute of which may be read."""

    touched = []

    def __getattr__(self, name):
        Untouchable.touched.append(name)
        raise AssertionError('read %s of a host' % name)


class RackTestCase(NovaTestCase):
    """Hosts in failure domains and RequestSpecs of one server group."""

    def racks(self, racks, key='availability_zone'):
        """``{domain: [host, ...]}`` -> HostStates; domain None: none."""
        layout = {host: 'lvm' for hosts in racks.values() for host in hosts}
        aggregates = [{'name': 'domain-%s' % name, 'hosts': hosts,
                       'metadata': {key: name}}
                      for name, hosts in racks.items() if name]
        return self.hosts(layout, aggregates)

    def members_on(self, hosts, nodes):
        """Put ``{host: count}`` group members on the HostStates."""
        members = []
        for host in hosts:
            for _ in range(nodes.get(host.host, 0)):
                uuid = uuidutils.generate_uuid()
                host.instances[uuid] = objects.Instance(uuid=uuid)
                members.append(uuid)
        return members

    def group_spec(self, members=(), member_hosts=(), hint=None,
                   policy='soft-anti-affinity', extra_specs=TAGGED,
                   name='aerospike'):
        """A RequestSpec in a server group, as nova's conductor builds it."""
        spec = self.spec(extra_specs)
        spec.instance_group = objects.InstanceGroup(
            uuid=uuidutils.generate_uuid(), name=name, policy=policy,
            members=list(members), hosts=list(member_hosts))
        if hint is not None:
            spec.scheduler_hints = {rack_spread.HINT: [hint]}
        return spec

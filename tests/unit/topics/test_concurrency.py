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

"""Shared filter and weigher instances under concurrent requests.

nova-scheduler serves requests concurrently with one filter and one
weigher instance. Real OS threads (not eventlet's green ones, which the
test process patches in) run mixed tagged and untagged requests through
shared instances; every result must equal the serial run's.
"""

import random

from eventlet import patcher
from nova.scheduler import filters
from nova.scheduler import weights

from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher
from tests.unit import base

real_threading = patcher.original('threading')

REQUESTS = [{}, {'aerospike:storage': 'local'},
            {'aerospike:storage': 'lvm'}, {'aerospike:storage': 'raw,nvme'},
            {'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'nvme:2'},
            {'aerospike:storage': 'bogus'}, {'hw:mem_page_size': 'large'}]


class TestConcurrency(base.NovaTestCase):

    def test_threads_match_the_serial_run(self):
        self.flags(isolate_dedicated_hosts=True, group='aerospike_filters')
        rng = random.Random(8)
        layout = {}
        for i in range(400):
            layout['h%03d' % i] = rng.choice(
                ['lvm', 'raw', 'qcow2', 'rbd', None, ('lvm', 2),
                 (None, 3), ('raw', 1)])
        dedicated = [{'name': 'dedicated', 'hosts': ['h%03d' % i
                                                     for i in range(0, 400,
                                                                    7)],
                      'metadata': {'aerospike_dedicated': 'true'}}]
        hosts = self.hosts(layout, dedicated)
        specs = [self.spec(extra) for extra in REQUESTS]
        filt = storage_filter.AerospikeStorageFilter()
        weigher = storage_weigher.AerospikeStorageWeigher()

        def run(spec):
            passed = filters.HostFilterHandler().get_filtered_objects(
                [filt], hosts, spec) or []
            ranked = weights.HostWeightHandler().get_weighed_objects(
                [weigher], passed, spec)
            return [(w.obj.host, w.weight) for w in ranked]

        serial = [run(spec) for spec in specs]
        self.assertTrue(any(serial) and not all(serial))
        jobs = [rng.randrange(len(specs)) for _ in range(280)]
        results = [None] * len(jobs)

        def worker(indexes):
            for index in indexes:
                results[index] = run(specs[jobs[index]])

        threads = [real_threading.Thread(target=worker,
                                         args=(range(t, len(jobs), 4),))
                   for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads))
        for index, job in enumerate(jobs):
            self.assertEqual(serial[job], results[index], REQUESTS[job])

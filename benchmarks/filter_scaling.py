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

"""Cost of the filter and the weigher per request, against nova's own.

Builds clouds of 1k, 10k and 50k real HostStates (nova's objects, built as
``explain`` builds them) in realistic aggregates: one backend aggregate per
rack-sized group of hosts (lvm, raw, qcow2, rbd, nfs), availability-zone
aggregates on top, NVMe pools on some lvm hosts. Then it times, in this one
process, each per-request call nova-scheduler makes:

* AerospikeStorageFilter.filter_all, tagged (``aerospike:storage=local``
  and ``=lvm``) and untagged;
* nova's AggregateInstanceExtraSpecsFilter with the equivalent
  ``aggregate_instance_extra_specs:ephemeral_backend`` ``<or>`` spec, and
  AllHostsFilter;
* a bare loop over the hosts;
* AerospikeStorageWeigher against RAMWeigher, each through nova's
  HostWeightHandler, and each weigher's own share (weigh_objects plus one
  weight_multiplier per host, what the handler calls it for);
* AerospikeRackWeigher against nova's ServerGroupSoftAntiAffinityWeigher
  (a six-node group), group-less and untagged requests, and the strict
  AerospikeRackFilter.

and prints the times and the ratios the targets are stated in. Run it with
``tox -e bench`` or ``python benchmarks/filter_scaling.py --hosts 10000``.
It is a benchmark, not a test: it asserts nothing and only reports.
"""

import argparse
import random
import sys
import timeit

from aerospike_filters.whatif import nova_config

BACKEND_MIX = (('qcow2', 40), ('rbd', 20), ('nfs', 10), ('lvm', 20),
               ('raw', 10))
NVME_ALIAS = {'name': 'nvme', 'vendor_id': '144d', 'product_id': 'a80a',
              'device_type': 'type-PCI'}


def cloud(hosts, aggregates, seed=7):
    """A snapshot dict: ``hosts`` hosts in ``aggregates`` aggregates."""
    rng = random.Random(seed)
    backends = [name for name, share in BACKEND_MIX for _ in range(share)]
    n_backend_aggs = max(len(BACKEND_MIX), aggregates * 4 // 5)
    n_az = max(1, aggregates - n_backend_aggs)
    names = ['compute-%05d' % i for i in range(hosts)]
    backend_aggs = [{'name': 'backend-%03d' % i, 'hosts': [],
                     'metadata': {'ephemeral_backend':
                                  BACKEND_MIX[i][0] if i < len(BACKEND_MIX)
                                  else rng.choice(backends)}}
                    for i in range(n_backend_aggs)]
    az_aggs = [{'name': 'az-%02d' % i, 'hosts': [],
                'metadata': {'availability_zone': 'az-%02d' % i}}
               for i in range(n_az)]
    host_dicts = []
    for i, name in enumerate(names):
        agg = backend_aggs[i % n_backend_aggs]
        agg['hosts'].append(name)
        az_aggs[i % n_az]['hosts'].append(name)
        host = {'host': name, 'free_ram_mb': rng.randrange(1024, 524288)}
        if (agg['metadata']['ephemeral_backend'] == 'lvm' and
                rng.random() < 0.25):
            host['pci_pools'] = [{'vendor_id': '144d', 'product_id': 'a80a',
                                  'dev_type': 'type-PCI', 'numa_node': 0,
                                  'count': rng.randint(0, 4)}]
        host_dicts.append(host)
    return {'hosts': host_dicts, 'aggregates': backend_aggs + az_aggs,
            'pci_aliases': [NVME_ALIAS]}


def best(func, repeat):
    """Best time of one call, in milliseconds."""
    number = 1
    while timeit.timeit(func, number=number) < 0.05 and number < 10 ** 6:
        number *= 2
    return min(timeit.repeat(func, number=number, repeat=repeat)) \
        / number * 1000.0


def measure(n_hosts, n_aggs, repeat):
    from nova.scheduler.filters import aggregate_instance_extra_specs as aies
    from nova.scheduler.filters import all_hosts_filter
    from nova.scheduler import weights
    from nova.scheduler.weights import ram

    from aerospike_filters.scheduler import storage_filter
    from aerospike_filters.scheduler import storage_weigher
    from aerospike_filters.whatif import replay

    data = cloud(n_hosts, n_aggs)
    replay.use_pci_aliases(data['pci_aliases'])
    hosts = replay.host_states(data)
    equivalent = '<or> lvm <or> raw <or> flat'
    specs = {
        'tagged-local': replay.request_spec({'aerospike:storage': 'local'}),
        'tagged-lvm': replay.request_spec({'aerospike:storage': 'lvm'}),
        'untagged': replay.request_spec({}),
        'aies': replay.request_spec(
            {'aggregate_instance_extra_specs:ephemeral_backend':
             equivalent}),
    }
    ours = storage_filter.AerospikeStorageFilter()
    theirs = aies.AggregateInstanceExtraSpecsFilter()
    allhosts = all_hosts_filter.AllHostsFilter()

    def run_filter(filt, spec):
        return lambda: list(filt.filter_all(hosts, spec))

    def bare():
        for _ in hosts:
            pass

    def bare_aggregates():
        # The least any aggregate-based filter does: touch each host's
        # aggregates.
        for host in hosts:
            host.aggregates

    times = {
        'bare loop': best(bare, repeat),
        'bare loop reading aggregates': best(bare_aggregates, repeat),
        'AllHostsFilter': best(run_filter(allhosts, specs['untagged']),
                               repeat),
        'AggregateInstanceExtraSpecsFilter': best(
            run_filter(theirs, specs['aies']), repeat),
    }
    for case in ('tagged-local', 'tagged-lvm', 'untagged'):
        times['filter ' + case] = best(run_filter(ours, specs[case]), repeat)
    # nova's handler copies every filter's result into a list; without that
    # copy, what the plugin itself spends on an untagged request:
    times['filter untagged, no copy'] = best(
        lambda: ours.filter_all(hosts, specs['untagged']), repeat)

    handler = weights.HostWeightHandler()
    our_weigher = storage_weigher.AerospikeStorageWeigher()
    ram_weigher = ram.RAMWeigher()
    weighed = [weights.WeighedHost(h, 0.0) for h in hosts]

    def own_share(weigher, spec):
        def run():
            weigher.weigh_objects(weighed, spec)
            for host in hosts:
                weigher.weight_multiplier(host)
        return run

    spec = specs['tagged-local']
    times['RAMWeigher (handler)'] = best(
        lambda: handler.get_weighed_objects([ram_weigher], hosts, spec),
        repeat)
    times['weigher tagged (handler)'] = best(
        lambda: handler.get_weighed_objects([our_weigher], hosts, spec),
        repeat)
    times['RAMWeigher (own share)'] = best(own_share(ram_weigher, spec),
                                           repeat)
    times['weigher tagged (own share)'] = best(
        own_share(our_weigher, spec), repeat)
    times['weigher untagged (own share)'] = best(
        own_share(our_weigher, specs['untagged']), repeat)
    times.update(measure_rack(hosts, repeat, own_share))
    return times


def measure_rack(hosts, repeat, own_share):
    """The rack spread's weigher and strict filter, against nova's.

    A six-node soft-anti-affinity group on six of the hosts (all of them
    candidates, as in a cloud with room); group-less and untagged requests
    show the cost every other request pays.
    """
    from nova import objects
    from nova.scheduler.weights import affinity
    from oslo_utils import uuidutils

    from aerospike_filters.scheduler import rack_filter
    from aerospike_filters.scheduler import rack_weigher
    from aerospike_filters.whatif import replay

    members = [uuidutils.generate_uuid() for _ in range(6)]
    step = max(1, len(hosts) // len(members))
    for index, uuid in enumerate(members):
        hosts[(index * step) % len(hosts)].instances = {
            uuid: objects.Instance(uuid=uuid)}

    def grouped(specs, hints=None):
        spec = replay.request_spec(specs)
        spec.instance_group = objects.InstanceGroup(
            uuid=uuidutils.generate_uuid(), name='aerospike-cluster',
            policy='soft-anti-affinity', members=list(members),
            hosts=[host.host for host in hosts if host.instances])
        spec.instance_uuid = uuidutils.generate_uuid()
        spec.scheduler_hints = hints or {}
        return spec

    tagged = {'aerospike:storage': 'local'}
    in_group = grouped(tagged)
    strict = grouped(tagged, {'aerospike_rack_spread': ['strict']})
    weigher = rack_weigher.AerospikeRackWeigher()
    nova_weigher = affinity.ServerGroupSoftAntiAffinityWeigher()
    strict_filter = rack_filter.AerospikeRackFilter()
    return {
        'rack weigher group-less (own share)': best(
            own_share(weigher, replay.request_spec(tagged)), repeat),
        'rack weigher untagged group (own share)': best(
            own_share(weigher, grouped({})), repeat),
        'rack weigher tagged group (own share)': best(
            own_share(weigher, in_group), repeat),
        'SoftAntiAffinityWeigher (own share)': best(
            own_share(nova_weigher, in_group), repeat),
        'rack filter strict': best(
            lambda: strict_filter.filter_all(hosts, strict), repeat),
        'rack filter preferred (no-op)': best(
            lambda: strict_filter.filter_all(hosts, in_group), repeat),
    }


def memory(n_hosts, requests=10000):
    """Heap growth over many requests, and peak memory per host.

    Returns (bytes retained by the first and by the second half of
    ``requests`` requests after a warm-up: growth shows as a second half as
    large as the first; peak bytes allocated during one tagged request, per
    host).
    """
    import gc
    import tracemalloc

    from nova.scheduler import weights

    from aerospike_filters.scheduler import storage_filter
    from aerospike_filters.scheduler import storage_weigher
    from aerospike_filters.whatif import replay

    data = cloud(n_hosts, 20)
    replay.use_pci_aliases(data['pci_aliases'])
    hosts = replay.host_states(data)
    specs = [replay.request_spec(s) for s in (
        {'aerospike:storage': 'local'}, {}, {'aerospike:storage': 'lvm'},
        {'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'nvme:1'})]
    filt = storage_filter.AerospikeStorageFilter()
    weigher = storage_weigher.AerospikeStorageWeigher()
    handler = weights.HostWeightHandler()

    def burst(count):
        for i in range(count):
            spec = specs[i % len(specs)]
            handler.get_weighed_objects(
                [weigher], filt.filter_all(hosts, spec), spec)

    tracemalloc.start()
    burst(200)
    gc.collect()
    marks = [tracemalloc.get_traced_memory()[0]]
    for _ in range(2):
        burst(requests // 2)
        gc.collect()
        marks.append(tracemalloc.get_traced_memory()[0])
    retained = (marks[1] - marks[0], marks[2] - marks[1])
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    filt.filter_all(hosts, specs[0])
    peak = tracemalloc.get_traced_memory()[1] - start
    tracemalloc.stop()
    return retained, peak / float(n_hosts)


def report(results):
    print('%-34s' % 'ms per request' + ''.join(
        '%12s' % ('%d hosts' % n) for n in results))
    for name in next(iter(results.values())):
        print('%-34s' % name + ''.join(
            '%12.3f' % times[name] for times in results.values()))
    print()
    print('Ratios (smaller is better)')
    for n, t in results.items():
        aies = t['AggregateInstanceExtraSpecsFilter']
        print('%d hosts:' % n)
        for case in ('filter tagged-local', 'filter tagged-lvm',
                     'filter untagged'):
            print('  %-22s 1/%-7.0f of AggregateInstanceExtraSpecsFilter, '
                  '%5.2fx AllHostsFilter, %6.1fx bare loop, %5.1fx bare '
                  'loop reading aggregates'
                  % (case, aies / t[case], t[case] / t['AllHostsFilter'],
                     t[case] / t['bare loop'],
                     t[case] / t['bare loop reading aggregates']))
        print('  weigher tagged         %5.2fx RAMWeigher (handler), '
              '%5.2fx (own share)'
              % (t['weigher tagged (handler)'] / t['RAMWeigher (handler)'],
                 t['weigher tagged (own share)'] /
                 t['RAMWeigher (own share)']))
        print('  rack weigher tagged    %5.2fx SoftAntiAffinityWeigher '
              '(own share); group-less %.4f ms'
              % (t['rack weigher tagged group (own share)'] /
                 t['SoftAntiAffinityWeigher (own share)'],
                 t['rack weigher group-less (own share)']))
    print()
    print('Targets')
    if 10000 in results:
        t = results[10000]
        aies = t['AggregateInstanceExtraSpecsFilter']
        worst = max(t['filter tagged-local'], t['filter tagged-lvm'])
        print('  tagged filter at 10k hosts <= 1/20 of '
              'AggregateInstanceExtraSpecsFilter: 1/%.0f  %s'
              % (aies / worst, 'MET' if worst * 20 <= aies else 'MISSED'))
        ratio = (t['weigher tagged (own share)'] /
                 t['RAMWeigher (own share)'])
        print('  weigher no slower than RAMWeigher at 10k hosts: %.2fx  %s'
              % (ratio, 'MET' if ratio <= 1.0 else 'MISSED'))
    untagged = [t['filter untagged, no copy'] for t in results.values()]
    print('  untagged cost (no copy) independent of host count: %s ms  %s'
          % (' / '.join('%.4f' % u for u in untagged),
             'MET' if max(untagged) <= 3 * min(untagged) + 0.005
             else 'MISSED'))


PLOTTED = (('filter tagged-local', 'AerospikeStorageFilter, tagged', '-o'),
           ('filter untagged, no copy',
            'AerospikeStorageFilter, untagged (own cost)', '-s'),
           ('AggregateInstanceExtraSpecsFilter',
            'AggregateInstanceExtraSpecsFilter', '--^'),
           ('AllHostsFilter', 'AllHostsFilter', '--v'),
           ('weigher tagged (own share)', 'AerospikeStorageWeigher', '-D'),
           ('RAMWeigher (own share)', 'RAMWeigher', '--D'),
           ('bare loop reading aggregates', 'loop reading aggregates', ':x'))


def plot(results, path):
    """Draw ms per request against host count, log-log."""
    import matplotlib
    matplotlib.use('Agg')
    from matplotlib import pyplot

    counts = sorted(results)
    figure, axes = pyplot.subplots(figsize=(8, 5), dpi=100)
    for key, label, style in PLOTTED:
        axes.plot(counts, [results[n][key] for n in counts], style,
                  label=label)
    axes.set_xscale('log')
    axes.set_yscale('log')
    axes.set_xlabel('hosts')
    axes.set_ylabel('ms per request (best of runs)')
    axes.set_title('Cost per scheduling request (filters: as the handler '
                   'calls them)')
    axes.grid(True, which='both', alpha=0.3)
    axes.legend(fontsize='small')
    figure.tight_layout()
    figure.savefig(path)
    print('plot written to %s' % path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--hosts', type=int, nargs='+',
                        default=[1000, 10000, 50000])
    parser.add_argument('--aggregates', type=int, default=None,
                        help='aggregates per cloud (default: one per 200 '
                             'hosts, 10 to 500)')
    parser.add_argument('--plot', metavar='PNG',
                        help='also draw the scaling curve (needs '
                             'matplotlib)')
    parser.add_argument('--json', metavar='FILE',
                        help='also write the raw timings as JSON')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--memory-hosts', type=int, default=1000,
                        help='hosts for the memory check (0 skips it)')
    args = parser.parse_args(argv)
    nova_config.load_config([])
    results = {}
    for n in args.hosts:
        aggregates = args.aggregates or min(500, max(10, n // 200))
        print('measuring %d hosts in %d aggregates...' % (n, aggregates),
              file=sys.stderr)
        results[n] = measure(n, aggregates, args.repeat)
    report(results)
    if args.json:
        import json
        with open(args.json, 'w') as out:
            json.dump(results, out, indent=1, sort_keys=True)
    if args.plot:
        plot(results, args.plot)
    if args.memory_hosts:
        retained, per_host = memory(args.memory_hosts)
        print('  no memory growth across 10,000 requests (%d hosts): '
              '%+d bytes retained by the first 5,000, %+d by the next '
              '5,000  %s'
              % (args.memory_hosts, retained[0], retained[1],
                 'MET' if retained[1] < 16 * 1024 else 'MISSED'))
        print('  peak memory of one tagged filter call: %.0f bytes per host'
              % per_host)


if __name__ == '__main__':
    main()

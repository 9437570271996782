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

"""Put the Aerospike plugin into Nova's own functional tests.

Python imports ``sitecustomize`` at start-up from ``sys.path``;
``tests/nova_compat/run.py`` puts this directory on ``PYTHONPATH`` of the
stestr processes it starts, and nowhere else. The hook does nothing unless
``AEROSPIKE_NOVA_COMPAT`` names a mode:

``off``
    Only counts the schedulers the tests start (the expected results are
    made in this mode: nova as shipped).
``untagged``
    Every nova-scheduler ``HostManager`` a test creates also runs the
    filter and the weigher, loaded through nova's own loader from
    ``aerospike_filters.all_filters`` / ``aerospike_filters.all_weighers``,
    after whatever ``enabled_filters`` / ``weight_classes`` the test chose.
``tagged``
    As untagged, and every flavor a test creates gets
    ``aerospike:storage=<AEROSPIKE_NOVA_COMPAT_TAG>`` (default ``local``),
    and every nova-compute a test starts is added to ``[aerospike_filters]
    host_backends`` as ``lvm`` (a configuration override, which nova's
    ConfFixture clears after each test like the test's own flags).

It replaces nothing of nova: it adds the plugin where a deployer's
configuration would, sets an extra spec and an option, and counts the
plugin's calls (wrapping ``filter_all`` and ``weigh_objects`` of the
classes ``all_filters()`` and ``all_weighers()`` return). Each process
writes its counts as JSON into ``AEROSPIKE_NOVA_COMPAT_COUNTS`` at exit;
run.py adds them up and fails a mode whose counts show the plugin did not
run.
"""

import atexit
import collections
import functools
import importlib.abc
import json
import os
import sys
import threading

MODES = ('off', 'untagged', 'tagged')
STORAGE_SPEC = 'aerospike:storage'
BACKEND = 'lvm'

_counts = collections.Counter()
_removed = collections.Counter()
_lock = threading.Lock()
_wrapped = set()


def _count(**amounts):
    with _lock:
        _counts.update(amounts)


def _is_tagged(spec_obj):
    try:
        return STORAGE_SPEC in (spec_obj.flavor.extra_specs or {})
    except Exception:
        return False


def _spreading_group(spec_obj):
    """Whether the request is in an (soft-)anti-affinity server group."""
    try:
        return spec_obj.instance_group.policy in (
            'anti-affinity', 'soft-anti-affinity')
    except Exception:
        return False


def _has_no_local_disk(spec_obj):
    """A boot from volume with no ephemeral disk and no device request.

    Tagged, the boot-from-volume rule refuses it every host.
    """
    try:
        flavor = spec_obj.flavor
        return bool(spec_obj.is_bfv and not flavor.ephemeral_gb and
                    'pci_passthrough:alias' not in (flavor.extra_specs or {}))
    except Exception:
        return False


def _wrap_filter(cls):
    original = cls.filter_all

    @functools.wraps(original)
    def filter_all(self, filter_obj_list, spec_obj):
        hosts = list(filter_obj_list)
        result = original(self, hosts, spec_obj)
        if result is not None:
            result = list(result)
        kept = set(map(id, result or ()))
        gone = [h for h in hosts if id(h) not in kept]
        tagged = _is_tagged(spec_obj)
        refused = tagged and _has_no_local_disk(spec_obj)
        _count(filter_calls=1, hosts_seen=len(hosts),
               hosts_removed=0 if refused else len(gone),
               hosts_refused_no_local_disk=len(gone) if refused else 0,
               tagged_requests=int(tagged), untagged_requests=int(not tagged))
        if gone and not refused:
            with _lock:
                _removed.update('%s (%s)' % (getattr(h, 'host', h),
                                             'tagged' if tagged else
                                             'untagged') for h in gone)
        return result

    cls.filter_all = filter_all


def _wrap_weigher(cls):
    original = cls.weigh_objects

    @functools.wraps(original)
    def weigh_objects(self, weighed_obj_list, weight_properties):
        weights = list(original(self, weighed_obj_list, weight_properties))
        tagged = _is_tagged(weight_properties)
        if cls.__name__ == 'AerospikeRackWeigher':
            # It spreads a tagged request's server group (over hosts, as
            # nova's soft anti-affinity does, nova's computes being in one
            # zone) and must weigh 0 for every other request.
            spreads = tagged and _spreading_group(weight_properties)
            uneven = not spreads and any(weights)
            _count(weigher_uneven=int(uneven), rack_spreads=int(spreads))
            return weights
        # Untagged requests must weigh 0 everywhere; tagged ones, on hosts
        # that are all lvm, the same everywhere: else the plugin could
        # change nova's choice.
        uneven = len(set(weights)) > 1 or (not tagged and any(weights))
        _count(weigher_calls=1, weigher_uneven=int(uneven))
        return weights

    cls.weigh_objects = weigh_objects


def _enable_plugin(host_manager):
    """Append the plugin to one HostManager's filters and weighers."""
    filters = host_manager.filter_handler.get_matching_classes(
        ['aerospike_filters.all_filters'])
    weighers = host_manager.weight_handler.get_matching_classes(
        ['aerospike_filters.all_weighers'])
    for cls in filters + weighers:
        if cls not in _wrapped:
            _wrapped.add(cls)
            (_wrap_filter if cls in filters else _wrap_weigher)(cls)
    for cls in filters:
        if not any(type(f) is cls for f in host_manager.enabled_filters):
            host_manager.enabled_filters.append(cls())
    for cls in weighers:
        if not any(type(w) is cls for w in host_manager.weighers):
            host_manager.weighers.append(cls())
    _count(schedulers_with_plugin=1)


def _patch_host_manager(module, mode):
    original = module.HostManager.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        _count(schedulers=1)
        if mode != 'off':
            _enable_plugin(self)

    module.HostManager.__init__ = __init__


def _patch_flavor(module, tag):
    original = module.Flavor.create

    @functools.wraps(original)
    def create(self, *args, **kwargs):
        specs = dict(self.extra_specs or {}) if self.obj_attr_is_set(
            'extra_specs') else {}
        if STORAGE_SPEC not in specs:
            specs[STORAGE_SPEC] = tag
            self.extra_specs = specs
            _count(flavors_tagged=1)
        return original(self, *args, **kwargs)

    module.Flavor.create = create


def _patch_service(module):
    original = module.Service.start

    @functools.wraps(original)
    def start(self, *args, **kwargs):
        if self.binary == 'nova-compute':
            _describe_host(self.host)
        return original(self, *args, **kwargs)

    module.Service.start = start


def _describe_host(host):
    """Add ``host:lvm`` to ``[aerospike_filters] host_backends``."""
    import aerospike_filters
    from oslo_config import cfg

    aerospike_filters.all_filters()  # registers the option group
    group = cfg.CONF.aerospike_filters
    backends = dict(group.host_backends or {})
    if backends.get(host) != BACKEND:
        backends[host] = BACKEND
        cfg.CONF.set_override('host_backends', backends,
                              group='aerospike_filters')
        _count(computes_described=1)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs a patch right after a module has been imported."""

    def __init__(self, patches):
        self.patches = patches

    def find_spec(self, name, path, target=None):
        if name not in self.patches:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        patch = self.patches.pop(name)
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


def _write_counts(directory):
    data = dict(_counts, pid=os.getpid(), mode=_mode,
                removed_hosts=dict(_removed))
    path = os.path.join(directory, 'counts-%d.json' % os.getpid())
    with open(path + '.tmp', 'w') as out:
        json.dump(data, out)
    os.replace(path + '.tmp', path)


def install(mode, tag, counts_dir):
    if mode not in MODES:
        raise SystemExit('AEROSPIKE_NOVA_COMPAT=%r: use one of %s'
                         % (mode, ', '.join(MODES)))
    patches = {'nova.scheduler.host_manager':
               functools.partial(_patch_host_manager, mode=mode)}
    if mode == 'tagged':
        patches['nova.objects.flavor'] = functools.partial(
            _patch_flavor, tag=tag)
        patches['nova.service'] = _patch_service
    sys.meta_path.insert(0, _AfterImport(patches))
    if counts_dir:
        atexit.register(_write_counts, counts_dir)


_mode = os.environ.get('AEROSPIKE_NOVA_COMPAT')
if _mode:
    install(_mode, os.environ.get('AEROSPIKE_NOVA_COMPAT_TAG', 'local'),
            os.environ.get('AEROSPIKE_NOVA_COMPAT_COUNTS'))

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

"""AerospikeStorageFilter: Aerospike flavors only on fast local storage."""

import collections
import shlex

import nova.conf as nova_conf
from nova.scheduler import utils as scheduler_utils
from oslo_log import log as logging

from aerospike_filters import conf
from aerospike_filters.scheduler import evaluation
from aerospike_filters.scheduler import nova_releases
from aerospike_filters.scheduler import whole_list
from aerospike_filters import storage_request
from aerospike_filters import trait_contract
from aerospike_filters import version

LOG = logging.getLogger(__name__)

#: At DEBUG, per-host reasons are logged for this many hosts per request.
DEBUG_HOSTS_PER_REQUEST = 50


class AerospikeStorageFilter(whole_list.WholeListFilter):
    """Pass hosts that offer a storage tier the flavor accepts.

    Flavors without ``aerospike:storage`` pass every host (unless
    ``isolate_dedicated_hosts`` keeps them off dedicated hosts). Tagged
    flavors pass only hosts whose ephemeral backend is lvm or raw, or that
    have enough free NVMe passthrough devices, as the flavor accepts.

    A rebuild on the instance's own host passes unchecked: the host and the
    flavor stay, so the storage cannot have changed. The filter overrides
    ``filter_all``, so it applies this rule itself (see :func:`is_rebuild`)
    instead of nova's ``RUN_ON_REBUILD``, which only ``_filter_one`` reads.

    The filter never raises: on an unexpected error a tagged request gets
    no host (fail closed) and an untagged request keeps every host, as on
    a nova the plugin does not support
    (:mod:`~aerospike_filters.scheduler.nova_releases`), which the
    scheduler's start-up log names.
    """

    def __init__(self):
        super().__init__()
        # Fail at scheduler start, naming the option, not at a request.
        settings = conf.read_settings()
        LOG.info('AerospikeStorageFilter loaded (aerospike-filters %s): %s',
                 version.version_string(), conf.describe(settings))
        self._nova_usable = nova_releases.check_at_start(LOG)

    def filter_all(self, filter_obj_list, spec_obj):
        # nova passes a list; anything else is made one (the error path
        # below must be able to hand every host back).
        hosts = (filter_obj_list if isinstance(filter_obj_list, list)
                 else list(filter_obj_list))
        try:
            return self._filter(hosts, spec_obj)
        except Exception:
            tagged = storage_request.is_tagged(
                _safe_extra_specs(spec_obj))
            LOG.exception(
                'AerospikeStorageFilter failed unexpectedly on a request '
                'for flavor %(flavor)s; %(outcome)s.',
                {'flavor': evaluation.flavor_name_of(spec_obj),
                 'outcome': ('rejecting every host (fail closed)' if tagged
                             else 'passing every host (untagged flavor)')})
            return [] if tagged else hosts

    def _filter(self, hosts, spec_obj):
        if not self._nova_usable:
            if not storage_request.is_tagged(
                    evaluation.extra_specs_of(spec_obj)):
                return hosts
            LOG.error('AerospikeStorageFilter: flavor %s gets no host: '
                      'this nova is not supported (the scheduler logged why '
                      'at start)', evaluation.flavor_name_of(spec_obj))
            return []
        if is_rebuild(spec_obj):
            return hosts
        settings = conf.read_settings()
        request_verdicts = evaluation.RequestEvaluation(spec_obj, settings)
        request = request_verdicts.request
        if not request.tagged and not settings.isolate_dedicated_hosts:
            return hosts
        if request.error:
            flavor = request_verdicts.flavor_name
            LOG.error('AerospikeStorageFilter: flavor %(flavor)s is invalid '
                      'and gets no host: %(error)s. Fix it with: %(fix)s',
                      {'flavor': flavor, 'error': request.error,
                       'fix': storage_request.fix_command(flavor,
                                                          request.fix)})
            return []
        if request_verdicts.no_local_disk:
            LOG.warning('AerospikeStorageFilter: flavor %(flavor)s gets no '
                        'host: the request %(why)s. Fix: %(fix)s',
                        {'flavor': request_verdicts.flavor_name,
                         'why': request_verdicts.no_local_disk,
                         'fix': storage_request.LOCAL_DISK_FIX})
            return []
        passed, rejected = request_verdicts.partition(hosts)
        if LOG.isEnabledFor(logging.DEBUG):
            _log_reasons(request_verdicts, hosts)
        if rejected and LOG.isEnabledFor(logging.INFO):
            _log_summary(request_verdicts, hosts, rejected)
        return passed


def _log_reasons(request_verdicts, hosts):
    """DEBUG: each host's verdict, for the first hosts of the request."""
    for host in hosts[:DEBUG_HOSTS_PER_REQUEST]:
        verdict = request_verdicts.verdict(host)
        LOG.debug('%(host)s %(result)s: %(reason)s',
                  {'host': host.host,
                   'result': 'passes' if verdict.passes else 'rejected',
                   'reason': verdict.reason})
    if len(hosts) > DEBUG_HOSTS_PER_REQUEST:
        LOG.debug('%d more hosts not shown; "aerospike-filters explain" '
                  'shows every host', len(hosts) - DEBUG_HOSTS_PER_REQUEST)


def _log_summary(request_verdicts, hosts, rejected):
    """INFO: one line counting the rejected hosts by category.

    When every candidate is rejected and placement returned as many as it
    may, suitable hosts may never have been looked at: the line says so
    and names the fix.
    """
    counts = collections.Counter(v.category for v in rejected)
    cap = nova_conf.CONF.scheduler.max_placement_results
    LOG.info('AerospikeStorageFilter: flavor %(flavor)s rejected '
             '%(count)d of %(total)d hosts: %(summary)s%(capped)s',
             {'flavor': request_verdicts.flavor_name,
              'count': len(rejected), 'total': len(hosts),
              'summary': ' '.join(
                  '%s=%d' % item for item in sorted(
                      counts.items(), key=lambda kv: (-kv[1], kv[0]))),
              'capped': _capped(request_verdicts, cap)
              if len(rejected) == len(hosts) == cap else ''})


def _capped(request_verdicts, cap):
    """Why placement's candidates were all unsuitable, and the fix."""
    flavor = request_verdicts.flavor_name
    trait = trait_contract.trait_for_tiers(request_verdicts.request.tiers)
    said = ('; placement returned only [scheduler] max_placement_results=%d '
            'candidates' % cap)
    if trait_contract.flavor_traits(request_verdicts.extra_specs).get(
            trait) == trait_contract.REQUIRED:
        return (said + ', all carrying %s, but their facts no longer match '
                'it: republish host traits (aerospike-filters trait '
                'publish)' % trait)
    return (said + ' and the flavor requires no trait, so suitable hosts '
            'may never have been considered: publish host traits '
            '(aerospike-filters trait publish), then give the flavor its '
            'trait %s (aerospike-filters flavor repair %s)'
            % (trait, shlex.quote(flavor)))


def is_rebuild(spec_obj):
    """Whether nova asks to check a rebuild on the instance's own host.

    nova marks a rebuild with the scheduler hint ``_nova_check_type`` and
    forces the instance's host. The hint alone proves nothing: scheduler
    hints come from tenants (nova 34 drops this one from a create, but the
    filter does not depend on that).
    """
    return bool(scheduler_utils.request_is_rebuild(spec_obj) and
                spec_obj.obj_attr_is_set('force_hosts') and
                spec_obj.force_hosts)


def _safe_extra_specs(spec_obj):
    try:
        return evaluation.extra_specs_of(spec_obj)
    except Exception:
        return {}

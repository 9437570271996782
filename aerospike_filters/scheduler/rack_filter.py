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

"""AerospikeRackFilter: no host rather than a lopsided Aerospike cluster."""

from oslo_log import log as logging

from aerospike_filters import conf
from aerospike_filters import rack_spread
from aerospike_filters.scheduler import evaluation
from aerospike_filters.scheduler import nova_releases
from aerospike_filters.scheduler import rack_evaluation
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import whole_list

LOG = logging.getLogger(__name__)


class AerospikeRackFilter(whole_list.WholeListFilter):
    """Pass only hosts of the failure domains with the fewest group nodes.

    The strict form of :mod:`aerospike_filters.rack_spread`: it acts on
    requests of tagged flavors booted into an ``anti-affinity`` or
    ``soft-anti-affinity`` server group with the scheduler hint
    ``aerospike_rack_spread=strict``, and passes every host of every other
    request. Hosts with no known domain are rejected (fail closed, for that
    host only); an invalid hint value gets the request no host. List it
    after the filters that judge capacity and storage: the fewest nodes are
    counted over the hosts it is given.

    The filter never raises: on an unexpected error a strict request gets
    no host and any other keeps every host.
    """

    def __init__(self):
        super().__init__()
        conf.read_settings()
        self._nova_usable = nova_releases.check_at_start(LOG)

    def filter_all(self, filter_obj_list, spec_obj):
        hosts = (filter_obj_list if isinstance(filter_obj_list, list)
                 else list(filter_obj_list))
        try:
            if rack_evaluation.group_of(spec_obj) is None:
                return hosts
            return self._filter(hosts, spec_obj)
        except Exception:
            strict = _asks_strict(spec_obj)
            LOG.exception(
                'AerospikeRackFilter failed unexpectedly on a request for '
                'flavor %(flavor)s; %(outcome)s.',
                {'flavor': evaluation.flavor_name_of(spec_obj),
                 'outcome': ('rejecting every host (fail closed)' if strict
                             else 'passing every host')})
            return [] if strict else hosts

    def _filter(self, hosts, spec_obj):
        rack = rack_evaluation.RackEvaluation(spec_obj, conf.read_settings())
        if not rack.applies or storage_filter.is_rebuild(spec_obj):
            return hosts
        if rack.error:
            LOG.error('AerospikeRackFilter: group %(group)s gets no host: '
                      '%(error)s.', {'group': rack.label,
                                     'error': rack.error})
            return []
        if rack.mode != rack_spread.STRICT:
            return hosts
        if not self._nova_usable:
            LOG.error('AerospikeRackFilter: group %s gets no host: this '
                      'nova is not supported (the scheduler logged why at '
                      'start)', rack.label)
            return []
        placements = rack.placements(hosts)
        passed = [host for host, placement in zip(hosts, placements)
                  if placement.passes]
        if len(passed) < len(hosts):
            counts = {}
            for placement in placements:
                if placement.domain.name is not None:
                    counts[placement.domain.name] = placement.domain_count
            LOG.info('AerospikeRackFilter: group %(group)s: %(kept)d of '
                     '%(total)d hosts keep it balanced (nodes per domain: '
                     '%(counts)s)',
                     {'group': rack.label, 'kept': len(passed),
                      'total': len(hosts),
                      'counts': rack_spread.describe_counts(counts, ())})
        return passed


def _asks_strict(spec_obj):
    try:
        return rack_spread.mode_of(rack_evaluation.hint_of(spec_obj))[0] in (
            rack_spread.STRICT, None)
    except Exception:
        return True

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

"""AerospikeRackWeigher: one group's Aerospike nodes spread over racks."""

from oslo_log import log as logging

from aerospike_filters import conf
from aerospike_filters.scheduler import evaluation
from aerospike_filters.scheduler import nova_releases
from aerospike_filters.scheduler import rack_evaluation
from aerospike_filters.scheduler import whole_list

LOG = logging.getLogger(__name__)


class AerospikeRackWeigher(whole_list.WholeListWeigher):
    """Prefer the failure domain with the fewest nodes of the group.

    For tagged flavors booted into an ``anti-affinity`` or
    ``soft-anti-affinity`` server group (unless the scheduler hint
    ``aerospike_rack_spread=off``): hosts of the domains holding the
    fewest nodes of the group first, and inside one domain the hosts with
    the fewest nodes (:mod:`aerospike_filters.rack_spread`). Every other
    request weighs 0 everywhere. A host with no known domain weighs half.
    """

    # Fixed bounds keep the weights as the contract states them: at least
    # 0.75 in a least-used domain, at most 0.25 elsewhere.
    minval = 0
    maxval = 1

    def __init__(self):
        super().__init__()
        settings = conf.read_settings()
        self._multiplier = settings.rack_weight_multiplier
        self._nova_usable = nova_releases.check_at_start(LOG)

    def weight_multiplier(self, host_state):
        """``rack_weight_multiplier``, not per aggregate: groups span many."""
        return self._multiplier

    def _weights(self, hosts, spec_obj):
        try:
            if rack_evaluation.group_of(spec_obj) is None:
                return [0.0] * len(hosts)
            rack = rack_evaluation.RackEvaluation(spec_obj,
                                                  conf.read_settings())
            if not (self._nova_usable and rack.applies):
                return [0.0] * len(hosts)
            if rack.error:
                LOG.warning('AerospikeRackWeigher: group %(group)s is not '
                            'spread: %(error)s.',
                            {'group': rack.label, 'error': rack.error})
                return [0.0] * len(hosts)
            return [placement.weight
                    for placement in rack.placements(hosts)]
        except Exception:
            LOG.exception('AerospikeRackWeigher failed unexpectedly for '
                          'flavor %s; weighing every host 0.',
                          evaluation.flavor_name_of(spec_obj))
            return [0.0] * len(hosts)

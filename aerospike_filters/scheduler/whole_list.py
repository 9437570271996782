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

"""Filter and weigher bases that judge a request's whole host list at once.

nova's handlers call ``filter_all`` and ``weigh_objects`` once per request;
the plugin's classes read the request once there. These bases route
nova's single-host entry points (``host_passes``, ``_weigh_object``)
through the same code.
"""

from nova.scheduler import filters
from nova.scheduler import weights


class WholeListFilter(filters.BaseHostFilter):
    """A filter whose subclasses implement ``filter_all`` only."""

    def host_passes(self, host_state, spec_obj):
        """Single-host form, for callers that do not use filter_all."""
        return bool(self.filter_all([host_state], spec_obj))


class WholeListWeigher(weights.BaseHostWeigher):
    """A weigher whose subclasses implement ``_weights(hosts, spec_obj)``."""

    def _weigh_object(self, host_state, weight_properties):
        return self._weights([host_state], weight_properties)[0]

    def weigh_objects(self, weighed_obj_list, weight_properties):
        hosts = [obj.obj for obj in weighed_obj_list]
        return self._weights(hosts, weight_properties)

    def _weights(self, hosts, spec_obj):
        raise NotImplementedError()

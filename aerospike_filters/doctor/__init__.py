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

"""``doctor``'s checks: what is wrong, and the command that fixes it.

* :mod:`.findings`: the Finding every check returns, and the fix builders.
* :mod:`.context`: the one argument of every check (nova.conf, settings,
  the cloud's data and what the real filter makes of it, computed once).
* The checks, by subject: :mod:`.config_checks` (the scheduler's nova.conf
  and nova-api), :mod:`.cloud_checks` (hosts, aggregates, flavors),
  :mod:`.trait_checks` (placement pre-selection), :mod:`.disk_checks`
  (guests without a local disk).
* :mod:`.checks`: ``CHECKS``, the table ``doctor`` runs in order.

A new check is one function ``name(context) -> [Finding]`` in the module of
its subject, one row in ``checks.CHECKS`` (and in the table of
doc/source/admin/troubleshooting.rst, which a test keeps equal), and a
test in tests/unit/doctor/test_<module>.py.
"""

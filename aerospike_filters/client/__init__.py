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

"""The tools' client of nova and placement: every call to the cloud.

``http``: retries, error classes and their one-line messages; one module
per resource (``resource_providers``, ``traits``, ``hypervisors``,
``services``, ``aggregates``, ``flavors``), each with its URLs as
module constants, as osc-placement's ``resources`` are.
"""

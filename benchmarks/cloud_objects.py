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

"""nova's objects as the end-to-end benchmarks store and request them.

Imported after nova is patched and its objects registered.
"""

from nova import objects
from nova.objects import pci_device_pool
from oslo_utils import uuidutils


def add_compute(ctxt, host, uuid=None):
    """A nova-compute service and its compute node in nova's database."""
    service = objects.Service(ctxt, host=host, binary='nova-compute',
                              topic='compute', report_count=1)
    service.create()
    node = objects.ComputeNode(
        ctxt, uuid=uuid or uuidutils.generate_uuid(), host=host,
        hypervisor_hostname=host, vcpus=64, memory_mb=262144, local_gb=2048,
        vcpus_used=0, memory_mb_used=0, local_gb_used=0, free_ram_mb=262144,
        free_disk_gb=2048, disk_available_least=2048, hypervisor_type='QEMU',
        hypervisor_version=8002000, cpu_info='{}', host_ip='192.0.2.1',
        running_vms=0, current_workload=0, supported_hv_specs=[], stats={},
        pci_device_pools=pci_device_pool.PciDevicePoolList(objects=[]),
        cpu_allocation_ratio=4.0, ram_allocation_ratio=1.0,
        disk_allocation_ratio=1.0, service_id=service.id)
    node.create()
    return node


def request_spec(extra_specs):
    """A RequestSpec for a 2-vCPU, 4 GiB flavor with these extra specs."""
    flavor = objects.Flavor(
        id=1, name='f', flavorid='f', memory_mb=4096, vcpus=2, root_gb=20,
        ephemeral_gb=0, swap=0, disabled=False, is_public=True,
        rxtx_factor=1.0, vcpu_weight=0, description=None,
        extra_specs=extra_specs)
    return objects.RequestSpec(
        flavor=flavor, num_instances=1, ignore_hosts=None, force_hosts=None,
        force_nodes=None, instance_uuid=uuidutils.generate_uuid(),
        project_id='p', user_id='u', availability_zone=None,
        image=objects.ImageMeta.from_dict({'properties': {}}),
        pci_requests=objects.InstancePCIRequests(requests=[]),
        numa_topology=None, scheduler_hints={}, instance_group=None,
        requested_destination=None, is_bfv=False, limits=None)

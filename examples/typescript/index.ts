// The cpu stack of this repository (Pulumi.cpu.yaml) from TypeScript, through the synapse-dl
// component package: its workspace, pool and PyTorch job (examples/python/ has all of it,
// workspace packages and diagnostics included). Each component checks its arguments before
// it registers anything, with the messages a stack file gets.
import * as path from "path";
import * as synapse from "@pulumi/synapse-dl";

const workspace = new synapse.SynapseWorkspace("synw-dl-ts-001", {
    workspaceName: "synw-dl-ts-001",
    location: "westeurope",
    resourceGroupName: "rg-synapse-dl-ts",
    dataLake: { accountName: "stsynapsedlts001", sku: "Standard_ZRS" },
    network: {
        managedVirtualNetwork: true,
        preventDataExfiltration: true,
        publicNetworkAccess: "Disabled",
    },
    tags: { project: "synapse-dl" },
});

// The pool's settings: given to the pool, and to each job on it, which is checked against them.
const cpu = {
    nodeSizeFamily: "MemoryOptimized",
    nodeSize: "Medium",
    sparkVersion: "3.5",
    autoScale: { enabled: true, minNodeCount: 3, maxNodeCount: 6 },
    dynamicExecutorAllocation: { enabled: true, minExecutors: 1, maxExecutors: 5 },
};
const pool = new synapse.SparkPool("cpumedium", {
    workspaceName: workspace.name,
    resourceGroupName: workspace.resourceGroupName,
    location: workspace.location,
    settings: cpu,
});

const job = new synapse.TrainingJob("pytorch_digits", {
    // The provider runs in its own folder: give the job folder as an absolute path.
    jobDirectory: path.resolve(__dirname, "../../training_jobs/pytorch_digits"),
    sparkPoolName: pool.name, // resolves once the pool's libraries are in place
    sparkPool: cpu,
    workspaceName: workspace.name,
    resourceGroupName: workspace.resourceGroupName,
    dataLakeAccountName: workspace.dataLakeAccountName,
    filesystem: workspace.filesystem,
    args: ["--num-proc", "2", "--epochs", "20"],
    driver: { cores: 4, memory: "28g" },
    executor: { cores: 8, memory: "56g" },
    numExecutors: 2,
    conf: { "spark.dynamicAllocation.enabled": "false", "spark.task.cpus": "8" },
});

export const workspaceName = workspace.name;
export const jobFile = job.file;

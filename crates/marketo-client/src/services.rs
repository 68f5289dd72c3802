//! LaunchPoint custom services (ours: see docs/guides/admin-endpoints.md).

use super::client::{Call, Client, Mode, encode, optional, parse};
use super::error::{Error, Missing};
use super::find_by_name;
use super::types::{NewService, Service, ServiceDetail, ServiceUpdate};

impl Client {
    /// Every custom service, without secrets (`services/allservices.json`, paged).
    pub async fn list_services(&self) -> Result<Vec<Service>, Error> {
        self.list_paged(&["services", "allservices.json"], "service list")
            .await
    }

    /// Creates a custom service (`services/create.json`) and returns it with its Client Secret.
    /// After an ambiguous failure the service is looked up by display name and only created again
    /// if it is not there.
    pub async fn create_service(&self, service: &NewService) -> Result<ServiceDetail, Error> {
        let call = Call::post(
            &["services", "create.json"],
            Some(encode(service, "service")?),
            Missing::Endpoint,
        );
        self.create_named(
            call,
            "service",
            &service.display_name,
            |this, name| async move {
                match this.find_service_by_name(&name).await? {
                    Some(found) => this.get_service(found.id).await,
                    None => Ok(None),
                }
            },
        )
        .await
    }

    /// A service with its Client Secret (`services/{serviceId}/service.json`); `None` if there is
    /// no such service.
    pub async fn get_service(&self, id: i64) -> Result<Option<ServiceDetail>, Error> {
        let id = id.to_string();
        optional(
            self.get_json(
                Call::get(&["services", &id, "service.json"], Missing::AdminObject),
                "service",
            )
            .await,
        )
    }

    /// Changes a service's display name or description (`services/{serviceId}/update.json`).
    pub async fn update_service(
        &self,
        id: i64,
        update: &ServiceUpdate,
    ) -> Result<ServiceDetail, Error> {
        let id = id.to_string();
        let call = Call::post(
            &["services", &id, "update.json"],
            Some(encode(update, "service update")?),
            Missing::AdminObject,
        );
        parse(self.execute(&call, Mode::Idempotent).await?, "service")
    }

    /// Deletes a service (`services/{serviceId}/delete.json`).
    pub async fn delete_service(&self, id: i64) -> Result<(), Error> {
        let id = id.to_string();
        let call = Call::post(
            &["services", &id, "delete.json"],
            None,
            Missing::AdminObject,
        );
        self.execute(&call, Mode::Delete).await.map(|_| ())
    }

    /// A service by Client ID.
    pub async fn find_service_by_client_id(
        &self,
        client_id: &str,
    ) -> Result<Option<Service>, Error> {
        let services = self.list_services().await?;
        Ok(services.into_iter().find(|s| s.client_id == client_id))
    }

    /// A service by display name: an exact match, else the only case-insensitive one.
    pub async fn find_service_by_name(&self, display_name: &str) -> Result<Option<Service>, Error> {
        let services = self.list_services().await?;
        Ok(find_by_name(&services, display_name, |s| &s.display_name)
            .one()
            .cloned())
    }
}

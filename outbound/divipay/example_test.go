package divipay_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/outbound"
	"github.com/gatehouse-go/gatehouse/outbound/divipay"
	"github.com/gatehouse-go/gatehouse/outbound/providertest"
)

// Wrong credentials come back as an *outbound.Error with DiviPay's message.
func ExampleNew() {
	fake, err := providertest.NewDiviPay(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	client, err := divipay.New(divipay.Config{
		BaseURL:      fake.BaseURL(),
		Base:         fake.Client().Transport,
		ClientID:     fake.Credentials().ClientID,
		ClientSecret: "not-the-secret",
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Get(fake.BaseURL() + "/api/charge/abc123")
	var oe *outbound.Error
	if errors.As(err, &oe) {
		fmt.Println(errors.Is(err, outbound.ErrInvalidCredentials), oe.Status, oe.Message)
	}
	// Output: true 401 Invalid credentials
}
